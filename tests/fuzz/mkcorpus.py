#!/usr/bin/env python3
"""mkcorpus.py: writes the seed corpora of the fuzz harnesses into
tests/fuzz/corpus/NAME/ (a handful of small files each, committed) and the
dictionaries into tests/fuzz/dict/NAME.dict. The seeds are whole sessions
and well-formed files, so that the fuzzers start from the states a real
client or server reaches: logged in (the users and passwords of
fake_conn.h), in DATA, streaming, and so on. Run it again after changing a
seed here; libFuzzer's own findings never go into these directories.

    python3 tests/fuzz/mkcorpus.py
"""
import base64
import os
import shutil
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
DICT = os.path.join(HERE, "dict")

USER, PASS = "alice", "wonderland-7"       # fake_conn.h FAKE_USER, FAKE_PASS
USER2, PASS2 = "bob", "builder-9"
DOMAIN = "example.test"
PLAIN = base64.b64encode(b"\0" + USER.encode() + b"\0" + PASS.encode()).decode()
PLAIN_BAD = base64.b64encode(b"\0alice\0nope").decode()
PLAIN_BROKEN = base64.b64encode(b"\0carol\0x").decode()
LOGIN_USER = base64.b64encode(USER.encode()).decode()
LOGIN_PASS = base64.b64encode(PASS.encode()).decode()
BASIC = base64.b64encode(f"{USER}:{PASS}".encode()).decode()
BASIC_BAD = base64.b64encode(b"alice:nope").decode()
SESSION = "Session: 5e5e5e5e5e5e5e5e"       # fake_conn.h FAKE_SESSION_ID


def crlf(*lines):
    return "".join(line + "\r\n" for line in lines).encode()


# --- server sessions --------------------------------------------------------

def smtp_sessions():
    send = crlf("EHLO client.example", f"AUTH PLAIN {PLAIN}",
                f"MAIL FROM:<{USER}@{DOMAIN}> SIZE=120 BODY=8BITMIME",
                f"RCPT TO:<{USER2}@{DOMAIN}>", f"RCPT TO:<{USER}@{DOMAIN}>", "DATA",
                "From: alice", "Subject: hello", " folded", "", "body", "..stuffed",
                ".", "QUIT")
    login = crlf("EHLO c", "AUTH LOGIN", LOGIN_USER, LOGIN_PASS, "MAIL FROM:<>",
                 f"RCPT TO:<{USER2}@{DOMAIN}>", "DATA", "no header here", ".",
                 "RSET", "NOOP", "HELP", "VRFY bob", "QUIT")
    challenge = crlf("EHLO c", "AUTH PLAIN", PLAIN, f"MAIL FROM:<a@{DOMAIN}> SIZE=99999",
                     f"MAIL FROM:<a@{DOMAIN}> AUTH=<> X=1", f"MAIL FROM:<a@{DOMAIN}>",
                     f"RCPT TO:<nobody@{DOMAIN}>", "RCPT TO:<bob@elsewhere.example>",
                     "RCPT TO:<bob>", "DATA", "AUTH PLAIN", "QUIT")
    failures = crlf("EHLO c", f"AUTH PLAIN {PLAIN_BAD}", "AUTH LOGIN", LOGIN_USER, "bm9wZQ==",
                    "AUTH PLAIN", "*", f"AUTH PLAIN {PLAIN_BROKEN}", "AUTH CRAM-MD5",
                    f"AUTH PLAIN {PLAIN_BAD}")
    errors = (crlf("HELO c", f"MAIL FROM:<a@{DOMAIN}>", "STARTTLS", "EXPN x", "BDAT 10",
                   "DATA", "RCPT TO:<x>", "FOO", "", "EHLO", "EHLO a b")
              + b"NOOP " + b"x" * 1100 + b"\r\nQUIT\r\n")
    big = (crlf("EHLO c", f"AUTH PLAIN {PLAIN}", f"MAIL FROM:<{USER}@{DOMAIN}>",
                f"RCPT TO:<{USER}@{DOMAIN}>", "DATA", "Subject: big", "")
           + (b"y" * 70 + b"\r\n") * 60 + b".\r\nQUIT")       # no LF: idle timeout
    # found by fuzzing (tests/unit/test_fuzz_found.c): a bare CR echoed in a reply
    bare_cr = b"EHLO a\rb\r\nAUTH X\rY\r\nQUIT\r\n"
    return {"send": send, "login": login, "challenge": challenge, "failures": failures,
            "errors": errors, "big": big, "found-echoed-bare-cr": bare_cr}


def pop3_sessions():
    userpass = crlf(f"USER {USER}", f"PASS {PASS}", "STAT", "LIST", "UIDL", "RETR 1",
                    "TOP 1 1", "LIST 2", "UIDL 3", "DELE 2", "RSET", "DELE 1", "QUIT")
    auth = crlf("CAPA", "AUTH", f"AUTH PLAIN {PLAIN}", "CAPA", "RETR 3", "TOP 2 0", "NOOP",
                "QUIT")
    pipelined = crlf("AUTH PLAIN", PLAIN, "LIST", "RETR 1", "RETR 2", "UIDL", "STAT",
                     "DELE 3", "QUIT")
    failures = crlf(f"USER {USER}", "PASS nope", "APOP alice 0123", "STLS", f"USER {USER}",
                    "PASS", f"AUTH PLAIN {PLAIN_BAD}", "PASS x")
    errors = (crlf("STAT", "RETR 1", "USER", "USER a b", "AUTH X", "AUTH PLAIN =", "FOO",
                   f"USER {USER}", f"PASS {PASS}", "RETR 99999999999999999999", "TOP 1",
                   "TOP 1 x", "LIST 1 2", "DELE 9", "DELE 1", "RETR 1", "NOOP x", "USER a")
              + b"LIST " + b"9" * 1100 + b"\r\nQUIT\r\n")
    others = crlf(f"USER {USER2}", f"PASS {PASS2}", "LIST", "UIDL", "QUIT")
    # message 4 is bigger than the output low-water mark: the reply streams
    # and the commands behind it wait
    big = crlf(f"USER {USER}", f"PASS {PASS}", "RETR 4", "STAT", "TOP 4 2", "LIST", "UIDL",
               "RETR 4", "DELE 4", "QUIT")
    return {"userpass": userpass, "auth": auth, "pipelined": pipelined,
            "failures": failures, "errors": errors, "others": others, "big": big}


def rtsp_req(method, url, cseq, *headers, body=b""):
    head = f"{method} {url} RTSP/1.0\r\nCSeq: {cseq}\r\n"
    head += "".join(h + "\r\n" for h in headers)
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


def rtsp_sessions():
    base = "rtsps://127.0.0.1:8322/tone.wav"
    auth = f"Authorization: Basic {BASIC}"
    tp = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1"
    play = b"".join([
        rtsp_req("OPTIONS", base, 1),
        rtsp_req("DESCRIBE", base, 2, "Accept: application/sdp", auth),
        rtsp_req("SETUP", base + "/trackID=0", 3, tp, auth),
        rtsp_req("PLAY", base + "/", 4, SESSION, "Range: npt=0-", auth),
        rtsp_req("GET_PARAMETER", base + "/", 5, SESSION, auth),
        rtsp_req("PAUSE", base + "/", 6, SESSION, auth),
        rtsp_req("PLAY", base + "/", 7, SESSION, auth),
        rtsp_req("TEARDOWN", base + "/", 8, SESSION, auth),
    ])
    rtcp_rr = bytes([0x81, 201, 0, 7]) + bytes(28)
    stereo = "rtsps://127.0.0.1:8322/stereo.wav"
    v2 = b"".join([
        rtsp_req("DESCRIBE", stereo, 1, auth).replace(b"RTSP/1.0", b"RTSP/2.0"),
        rtsp_req("SETUP", stereo + "/trackID=0", 2,
                 "Transport: RTP/AVP;unicast;client_port=5000-5001", auth),
        rtsp_req("SETUP", stereo + "/trackID=0", 3,
                 "Transport: RTP/AVP/UDP;unicast, RTP/AVP/TCP;interleaved=4-5;mode=\"PLAY\"",
                 auth),
        rtsp_req("PLAY", stereo, 4, SESSION, "Range: npt=0.010-0.030", auth),
        b"$\x01" + struct.pack(">H", len(rtcp_rr)) + rtcp_rr,
        rtsp_req("SET_PARAMETER", stereo, 5, SESSION, auth, "Content-Type: text/parameters",
                 body=b"volume: 1\r\n"),
        rtsp_req("TEARDOWN", stereo, 6, SESSION, auth),
    ])
    errors = b"".join([
        b"OPTIONS * RTSP/1.0\r\n\r\n",
        rtsp_req("OPTIONS", "*", 1).replace(b"RTSP/1.0", b"RTSP/3.0"),
        rtsp_req("ANNOUNCE", base, 2), rtsp_req("FOO", base, 3),
        rtsp_req("OPTIONS", base, 4, "Require: play.basic"),
        rtsp_req("DESCRIBE", base, 5),
        rtsp_req("DESCRIBE", base, 6, f"Authorization: Basic {BASIC_BAD}"),
        rtsp_req("DESCRIBE", base, 7, "Authorization: Digest x"),
        rtsp_req("DESCRIBE", "rtsps://h/float.wav", 8, auth),
        rtsp_req("DESCRIBE", "/notes.txt", 9, auth),
        rtsp_req("DESCRIBE", "/link.wav", 10, auth),
        rtsp_req("DESCRIBE", "/..%2fusers", 11, auth),
        rtsp_req("DESCRIBE", "/lying.wav", 12, auth),
        rtsp_req("OPTIONS", base, 13, "CSeq: 14"),
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
    ])
    userinfo = b"".join([
        rtsp_req("DESCRIBE", f"rtsp://{USER}:{PASS}@127.0.0.1/tone.wav", 1, auth),
        rtsp_req("SET_PARAMETER", base, 2, auth, "Content-Length: 99999"),
    ])
    states = b"".join([
        rtsp_req("PLAY", base, 1, auth),
        rtsp_req("SETUP", base, 2, tp, auth),
        rtsp_req("SETUP", base, 3, tp, auth),
        rtsp_req("PLAY", base, 4, "Session: nope", auth),
        rtsp_req("PLAY", base, 5, SESSION, "Range: npt=5-1", auth),
        rtsp_req("PLAY", base, 6, SESSION, "Range: clock=19961108T142300Z-", auth),
        rtsp_req("PAUSE", base, 7, SESSION, auth),
        rtsp_req("SETUP", "/stereo.wav", 8, SESSION, tp, auth),
        rtsp_req("TEARDOWN", base, 9, SESSION, auth),
    ])
    longline = b"".join([
        rtsp_req("OPTIONS", base, 1, "X-Pad: " + "p" * 4200),
        b"D" * 4500 + b"\r\n\r\n",
        rtsp_req("OPTIONS", base, 2),
    ])
    return {"play": play, "v2": v2, "errors": errors, "userinfo": userinfo,
            "states": states, "longline": longline}


# --- server parsers ---------------------------------------------------------

def smtp_parse():
    return {"plain": f"AUTH PLAIN {PLAIN}".encode(), "b64": PLAIN.encode(),
            "login": LOGIN_USER.encode(),
            "mail": b"MAIL FROM:<alice@example.test> SIZE=100 BODY=8BITMIME AUTH=<>",
            "rcpt": b"RCPT TO:<bob@example.test>", "header": b"Message-ID: <1@x>",
            "authz": base64.b64encode(b"alice\0alice\0pw")}


def pop3_parse():
    return {"pass": b"PASS secret words", "auth": f"AUTH PLAIN {PLAIN}".encode(),
            "top": b"TOP 1 10", "list": b"LIST 18446744073709551615", "user": b"USER alice"}


def pop3_text():
    msg = b"From: a\nSubject: s\n\nline\n.dot\n..two\r\nend"
    return {"retr": b"\x07" + msg, "top0": b"\x00" + msg, "top2": b"\x12" + msg,
            "crlf": b"\x3f" + b"A: b\r\n\r\n.\r\nx\r\n",
            "name": b"\x07" + b"1700000001.M1P1Q1.host:2,S",
            "sized": b"\x07" + b"1700000001.M1P1Q1R5e.host,S=2,W=4:2,S",
            # found by fuzzing (tests/unit/test_fuzz_found.c): a look-alike field first
            "found-sized-look-alike": b"\x07" + b"1,S=0\xe5;P1Q1.host"}


def rtsp_parse():
    auth = f"Authorization: Basic {BASIC}"
    return {
        "setup": rtsp_req("SETUP", "rtsps://h:8322/tone.wav/trackID=0", 3,
                          "Transport: RTP/AVP/TCP;unicast;interleaved=2-3;mode=play",
                          "Session: 0123456789abcdef;timeout=60", auth),
        "play": rtsp_req("PLAY", "/tone.wav/", 4, "Range: npt=1:02:03.456-now", auth),
        "userinfo": b"DESCRIBE rtsp://u:p@h/a%20b.wav RTSP/2.0\r\nCSeq: 1\r\n\r\n",
        "transport": b"RTP/AVP;multicast, RTP/AVP/TCP;interleaved=7",
        "fold": b"OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX-Long:\r\n  folded\r\nContent-Length: 5\r\n\r\n",
    }


def wav_header(tag, channels, rate, bits, data_len, fmt_extra=b""):
    align = channels * bits // 8
    fmt = struct.pack("<HHIIHH", tag, channels, rate, rate * align, align, bits) + fmt_extra
    return (b"RIFF" + struct.pack("<I", 4 + 8 + len(fmt) + 8 + data_len) + b"WAVE"
            + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", data_len))


def wav():
    guid_pcm = struct.pack("<H", 1) + bytes.fromhex("000000001000800000aa00389b71")
    ext = struct.pack("<HHI", 22, 16, 3) + guid_pcm
    samples = bytes(range(32))
    return {
        "mono": wav_header(1, 1, 8000, 16, len(samples)) + samples,
        "stereo": wav_header(1, 2, 44100, 16, len(samples)) + samples,
        "extensible": wav_header(0xfffe, 2, 48000, 16, len(samples), ext) + samples,
        "float": wav_header(3, 1, 8000, 32, len(samples)) + samples,
        "lying": wav_header(1, 1, 8000, 16, 1 << 30) + samples,
        "list": (b"RIFF\x40\x00\x00\x00WAVEJUNK\x03\x00\x00\x00abc\x00"
                 + wav_header(1, 1, 16000, 16, 4)[12:] + b"\x00\x01\x02\x03"),
    }


def userfile():
    y = "$y$j9T$abcdefghijklmnopqrstuv$0123456789012345678901234567890123456789012"
    return {"two": f"alice:{y}\nbob:{y}\n".encode(),
            "messy": f"\nalice:{y}\r\nalice:dup\n-bad:x\nno colon\nc:a:b\nd:\n".encode(),
            "one": b"x:y"}


# --- client -----------------------------------------------------------------

def smtp_reply():
    greet = ["220 example.test ESMTP sealed"]
    ehlo = ["250-example.test greets seal", "250-AUTH PLAIN LOGIN", "250-SIZE 4096", "250 HELP"]
    return {
        "login_send": ("\x00" + "".join(l + "\r\n" for l in greet + ehlo + [
            "235 2.7.0 Authentication successful", "250 2.1.0 Sender OK",
            "250 2.1.5 Recipient OK", "354 End data with <CR><LF>.<CR><LF>",
            "250 2.0.0 OK queued as 1", "221 2.0.0 bye"])).encode(),
        "auth_login": ("\x01" + "".join(l + "\r\n" for l in greet + ehlo + [
            "334 VXNlcm5hbWU6", "334 UGFzc3dvcmQ6", "235 2.7.0 ok", "250 ok", "221 bye"])).encode(),
        "refused": ("\x03" + "".join(l + "\r\n" for l in greet + ehlo + [
            "535 5.7.8 Authentication credentials invalid", "221 bye"])).encode(),
        "garbage": b"\x02220 hi\r\n250-a\r\nnot a reply\r\n25 x\r\n250\r\n334 \r\n250-\n250 x",
        # found by fuzzing (tests/unit/test_fuzz_found.c): nothing from the server
        "found-no-server-bytes": b"s",
    }


def pop3_reply():
    return {
        "login_all": ("\x00" + "".join(l + "\r\n" for l in [
            "+OK sealed ready", "+OK send PASS", "+OK maildrop has 2 messages",
            "+OK 2 300", "+OK 2 messages", "1 100", "2 200", ".", "+OK", "1 abc", "2 def", ".",
            "+OK 100 octets", "Subject: x", "", "..stuffed", ".", "+OK top", "Subject: x", ".",
            "+OK Capability list follows", "TOP", "UIDL", ".", "+OK bye"])).encode(),
        "auth_plain": ("\x01" + "".join(l + "\r\n" for l in [
            "+OK ready", "+OK Capability list follows", "USER", "SASL PLAIN", ".",
            "+OK SASL mechanisms follow", "PLAIN", ".", "+ ", "+OK logged in", "+OK 1 100",
            "+OK deleted", "+OK bye"])).encode(),
        "refused": ("\x02" + "".join(l + "\r\n" for l in [
            "+OK ready", "+OK send PASS", "-ERR [AUTH] invalid user name or password",
            "-ERR nope", "+OK"])).encode(),
        "garbage": b"\x04+OK\r\n+OK 1 x\r\n+\r\n-ERR\r\n+OKAY\r\n.\r\n..\r\n+OK\n",
    }


def rtsp_response(cseq, *headers, code="200 OK", body=b"", version="1.0"):
    head = f"RTSP/{version} {code}\r\nCSeq: {cseq}\r\n" + "".join(h + "\r\n" for h in headers)
    if body:
        head += f"Content-Length: {len(body)}\r\n"
    return head.encode() + b"\r\n" + body


SDP = ("v=0\r\no=- 1700000000 1 IN IP4 127.0.0.1\r\ns=tone.wav\r\nc=IN IP4 0.0.0.0\r\n"
       "t=0 0\r\na=tool:sealed\r\na=range:npt=0-0.100\r\nm=audio 0 RTP/AVP 96\r\n"
       "a=rtpmap:96 L16/8000/1\r\na=control:trackID=0\r\n").encode()


def rtp_packet(seq, payload, pt=96):
    return struct.pack(">BBHII", 0x80, pt, seq, 1000 + seq, 0x1234) + payload


def rtcp_sr_bye():
    sr = struct.pack(">BBHI", 0x80, 200, 6, 0x1234) + bytes(20)
    bye = struct.pack(">BBHI", 0x81, 203, 1, 0x1234)
    return sr + bye


def frame(channel, packet):
    return b"$" + bytes([channel]) + struct.pack(">H", len(packet)) + packet


def rtsp_client():
    play = b"".join([
        rtsp_response(1, "Public: OPTIONS, DESCRIBE, SETUP, PLAY"),
        rtsp_response(2, "Content-Base: rtsps://localhost:8322/tone.wav/",
                      "Content-Type: application/sdp", body=SDP),
        rtsp_response(3, "Session: 0123456789abcdef;timeout=60",
                      "Transport: RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=00001234"),
        rtsp_response(4, "Session: 0123456789abcdef", "RTP-Info: url=x;seq=1;rtptime=1"),
        frame(0, rtp_packet(1, bytes(320))), frame(0, rtp_packet(3, bytes(range(64)))),
        frame(0, rtp_packet(2, b"\x7f\xff\x80\x00")), frame(1, rtcp_sr_bye()),
        rtsp_response(5), rtsp_response(6), rtsp_response(7), rtsp_response(8),
    ])
    errors = b"".join([
        rtsp_response(1, code="401 Unauthorized", version="2.0"),
        rtsp_response(2, body=b"v=0\r\nm=video 0 RTP/AVP 26\r\n"),
        b"\r\n\r\n" + rtsp_response(3, "Transport: RTP/AVP;unicast"),
        b"RTSP/1.0 200\nCSeq: 4\n\n", b"$\x05\x00\x02ab",
        b"HTTP/1.1 200 OK\r\n\r\n",
    ])
    big = rtsp_response(1, "Content-Length: 99999999999")
    # found by fuzzing (tests/unit/test_fuzz_found.c): a length that overflowed;
    # a second DESCRIBE (the 10th request) whose SDP is refused
    digits = rtsp_response(1, "Content-Length: 988888888888888888888")
    sdp3 = SDP.replace(b"L16/8000/1", b"L16/8000/3")
    redescribe = b"".join([rtsp_response(1), rtsp_response(2, body=SDP)]
                          + [rtsp_response(n) for n in range(3, 10)]
                          + [rtsp_response(10, body=sdp3)])
    return {"play": play, "errors": errors, "big": big, "found-content-length-digits": digits,
            "found-second-sdp-refused": redescribe}


def rtp():
    return {"rtp": b"\x00" + rtp_packet(7, bytes(range(16))),
            "csrc_ext_pad": b"\x00" + bytes([0xb1, 96, 0, 1]) + bytes(8) + bytes(4)
            + struct.pack(">HH", 0xbede, 1) + bytes(4) + b"\x01\x02\x00\x02",
            "rtcp_bye": b"\x01" + rtcp_sr_bye(),
            "rtcp_on_rtp": b"\x02" + rtcp_sr_bye()}


def sdp():
    return {"server": SDP,
            "static": b"v=0\r\nm=audio 0 RTP/AVP 10\r\na=control:rtsps://h/x/trackID=0\r\n",
            "two_media": (b"v=0\r\na=range:npt=now-12.5\r\nm=video 0 RTP/AVP 26\r\n"
                          b"m=audio 0 RTP/AVP 97\r\na=rtpmap:97 L16/48000/2\r\na=control:*\n")}


def proxy_proto():
    sig = b"\r\n\r\n\x00\r\nQUIT\n"
    tcp4 = bytes([198, 51, 100, 7, 192, 0, 2, 1]) + struct.pack(">HH", 40000, 8465)
    tcp6 = (bytes.fromhex("20010db8000000000000000000000007")
            + bytes.fromhex("20010db8000000000000000000000001") + struct.pack(">HH", 8080, 8465))
    tlvs = b"\x04\x00\x02xy\x05\x00\x00"
    hello = b"\x16\x03\x01\x00\x05hello"
    return {"v2_tcp4": sig + b"\x21\x11" + struct.pack(">H", 12) + tcp4 + hello,
            "v2_tcp6_tlv": sig + b"\x21\x21" + struct.pack(">H", 36 + len(tlvs)) + tcp6 + tlvs,
            "v2_local": sig + b"\x20\x00\x00\x00" + hello,
            "v1_tcp4": b"PROXY TCP4 198.51.100.7 192.0.2.1 40000 8465\r\n" + hello,
            "v1_tcp6": b"PROXY TCP6 2001:db8::7 2001:db8::1 8080 8465\r\n",
            "v1_unknown": b"PROXY UNKNOWN\r\n",
            "cidr": b"127.0.0.1,10.0.0.0/8,2001:db8::/32"}


def pins():
    fp = ":".join(["AB"] * 32)
    return {"one": f"localhost:8465 {fp}\n".encode(),
            "mixed": f"# seal pins\n\nlocalhost:8465 SHA256:{fp.lower()}\nother:1 {fp}\n"
                     f"bad line here\nlocalhost:8465 00:11\n".encode(),
            "nonl": b"h:1 AB"}


# --- dictionaries -----------------------------------------------------------

DICTS = {
    "smtp_session": ["EHLO ", "HELO ", "AUTH PLAIN ", "AUTH LOGIN", "MAIL FROM:<", "RCPT TO:<",
                     "DATA", "RSET", "NOOP", "QUIT", "VRFY ", "HELP", "STARTTLS", "BDAT",
                     " SIZE=", " BODY=8BITMIME", " BODY=7BIT", " AUTH=<>", ">", "@" + DOMAIN,
                     "alice", "bob", "carol", "\r\n", "\r\n.\r\n", "..", "Message-ID: ",
                     "Date: ", PLAIN, PLAIN_BAD, LOGIN_USER, LOGIN_PASS, "*", "="],
    "pop3_session": ["USER ", "PASS ", "AUTH PLAIN", "AUTH", "CAPA", "STAT", "LIST", "UIDL",
                     "RETR ", "TOP ", "DELE ", "RSET", "NOOP", "QUIT", "APOP ", "STLS",
                     USER, PASS, USER2, PASS2, PLAIN, "\r\n", " 1", " 2", " 3", "*"],
    "rtsp_session": ["OPTIONS ", "DESCRIBE ", "SETUP ", "PLAY ", "PAUSE ", "TEARDOWN ",
                     "GET_PARAMETER ", "SET_PARAMETER ", "ANNOUNCE ", " RTSP/1.0\r\n",
                     " RTSP/2.0\r\n", "CSeq: ", "Session: ", "Transport: ", "Range: npt=",
                     "Authorization: Basic " + BASIC, "Content-Length: ", "Require: ",
                     "RTP/AVP/TCP;unicast;interleaved=0-1", ";mode=\"PLAY\"", "rtsps://h/",
                     SESSION, "/tone.wav", "/stereo.wav", "/lying.wav", "/float.wav", "/trackID=0",
                     "%2e", "$\x00\x00\x04", "\r\n\r\n", "now", "-"],
    "proxy_proto": ["PROXY ", "TCP4 ", "TCP6 ", "UNKNOWN", "\r\n", "\r\n\r\n\x00\r\nQUIT\n",
                    "\x21\x11\x00\x0c", "\x21\x21\x00\x24", "\x20\x00\x00\x00", "127.0.0.1",
                    "::1", "/8", "/128", ",", " 65535", " 0"],
    "rtsp_client": ["RTSP/1.0 200 OK\r\n", "CSeq: ", "Session: ", ";timeout=", "Transport: ",
                    "interleaved=", "Content-Length: ", "Content-Base: ", "m=audio 0 RTP/AVP ",
                    "a=rtpmap:", " L16/", "a=control:", "a=range:npt=", "$\x00", "\r\n\r\n"],
}


def write_dir(name, seeds):
    d = os.path.join(CORPUS, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for seed, data in seeds.items():
        with open(os.path.join(d, seed), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())


def dict_entry(s):
    out = ""
    for ch in s.encode():
        out += chr(ch) if 32 <= ch < 127 and ch not in (34, 92) else f"\\x{ch:02x}"
    return f'"{out}"'


def main():
    corpora = {"smtp_session": smtp_sessions(), "pop3_session": pop3_sessions(),
               "rtsp_session": rtsp_sessions(), "smtp_parse": smtp_parse(),
               "pop3_parse": pop3_parse(), "pop3_text": pop3_text(),
               "rtsp_parse": rtsp_parse(), "wav": wav(), "userfile": userfile(),
               "smtp_reply": smtp_reply(), "pop3_reply": pop3_reply(),
               "rtsp_client": rtsp_client(), "rtp": rtp(), "sdp": sdp(), "pins": pins(),
               "proxy_proto": proxy_proto()}
    for name, seeds in corpora.items():
        write_dir(name, seeds)
    os.makedirs(DICT, exist_ok=True)
    for name, words in DICTS.items():
        with open(os.path.join(DICT, name + ".dict"), "w") as f:
            f.write(f"# {name}: words of the protocol (written by mkcorpus.py)\n")
            f.writelines(dict_entry(w) + "\n" for w in words)


if __name__ == "__main__":
    main()
