"""tlskit/load.py: seal-load's summary (--json: one JSON object, its last
line) and the lines a report shows of it: sessions, rate, latency, TLS."""

import json

# What a run's latency spans, by mode (seal-load's, and the grader's own
# STARTTLS runs); connect to close for the others.
LATENCY = {"idle": "connect to greeting", "greeting": "connect to greeting",
           "starttls": "connect to the EHLO reply over TLS"}


def last_json(text):
    """The last line of TEXT that is a JSON object, parsed; None if none."""
    for line in reversed(text.splitlines()):
        if line.startswith("{"):
            try:
                return json.loads(line)
            except ValueError:
                return None
    return None


def summary_lines(res):
    """What a seal-load summary RES says, in four lines."""
    lat = res.get("latency_ms", {})
    tls = res.get("tls", {})
    return ["clients %s, sessions ok %s, failed %s %s" % (
                res.get("clients"), res.get("ok"), res.get("failed"), res.get("failures", {})),
            "%s sessions in %.3f s: %.1f sessions/s" % (
                res.get("ok"), res.get("duration_s", 0), res.get("rate_per_s", 0)),
            "latency (%s) p50 %.1f ms, p99 %.1f ms, max %.1f ms" % (
                LATENCY.get(res.get("mode"), "connect to close"),
                lat.get("p50", 0), lat.get("p99", 0), lat.get("max", 0)),
            " ".join(str(tls[k]) for k in ("version", "cipher", "group") if tls.get(k))
            or "no TLS session"]
