#!/bin/sh
# cluster.sh: behind `make cluster`. Runs NODES (default 3, at most 8) sealed
# nodes on 127.0.0.11, 127.0.0.12 ... sharing one data dir (DATA, default
# data), each with its own --node-name and --proxy-from 127.0.0.1, behind
# HAProxy (deploy/haproxy/haproxy.cfg, as shipped) on 127.0.0.1 with the
# usual ports, so that the client commands of the README work unchanged.
# Makes the demo user and stream as `make run` does, prints how to connect,
# and stops everything it started on Ctrl-C (or when a node or HAProxy
# exits). SEALED_ARGS: extra flags for every node; CONN_RATE: HAProxy's
# limit of new connections per client address per 10 s (default 200).
set -eu

NODES=${NODES:-3}
DATA=${DATA:-data}
SEALED=bin/sealed
RUN=build/cluster
case "$NODES" in
[1-8]) ;;
*) echo "cluster: NODES must be 1 to 8, not '$NODES'" >&2; exit 2 ;;
esac
command -v haproxy >/dev/null || { echo "cluster: haproxy is missing (make deps)" >&2; exit 1; }

# The demo user and stream, as make run makes them.
PASSFILE="$DATA/demo-password"
mkdir -p "$DATA" "$RUN"
chmod 700 "$DATA"
if ! $SEALED --data-dir "$DATA" users 2>/dev/null | grep -qx demo; then
	( umask 077; head -c 12 /dev/urandom | base64 | tr -d '\n/+=' > "$PASSFILE"; echo >> "$PASSFILE" )
	$SEALED --data-dir "$DATA" useradd demo < "$PASSFILE"
	echo "cluster: created the demo user 'demo' (password in $PASSFILE)"
fi
PASS=$(head -n 1 "$PASSFILE" 2>/dev/null || echo "(see $PASSFILE)")
mkdir -p "$DATA/media"
ls "$DATA/media"/*.wav >/dev/null 2>&1 || python3 tools/mkwav.py "$DATA/media/demo.wav" --seconds 8

export SEALED_FRONT=127.0.0.1 SEALED_SMTP_PORT=8465 SEALED_POP3_PORT=8995 SEALED_RTSP_PORT=8322
export SEALED_NODE_SMTP_PORT=8465 SEALED_NODE_POP3_PORT=8995 SEALED_NODE_RTSP_PORT=8322
export SEALED_CA=certs/server.crt SEALED_CONN_RATE=${CONN_RATE:-200}
export SEALED_HAPROXY_SOCK="$(pwd)/$RUN/haproxy.sock"

pids=""
nodes=""
stop() {
	trap - INT TERM EXIT
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

i=1
while [ "$i" -le "$NODES" ]; do
	addr=127.0.0.$((10 + i))
	export "SEALED_NODE$i=$addr"
	# shellcheck disable=SC2086
	$SEALED --data-dir "$DATA" --listen "$addr" --node-name "node$i" \
		--proxy-from 127.0.0.1 ${SEALED_ARGS:-} 2>"$RUN/node$i.err" &
	pids="$pids $!"
	nodes="$nodes
    node$i pid $!: $SEALED --data-dir $DATA --listen $addr --node-name node$i --proxy-from 127.0.0.1"
	i=$((i + 1))
done
haproxy -db -f deploy/haproxy/haproxy.cfg 2>"$RUN/haproxy.err" &
pids="$pids $!"
sleep 1
for p in $pids; do
	kill -0 "$p" 2>/dev/null || { echo "cluster: a process did not start; see $RUN/*.err" >&2; cat "$RUN"/*.err >&2; exit 1; }
done

cat <<EOT

  sealed cluster: HAProxy on 127.0.0.1 (SMTP :8465, POP3 :8995, RTSP :8322),
  TLS passed through to $NODES node(s) on 127.0.0.11..$((10 + NODES)) that share $DATA/
  demo user:  demo   password: $PASS   (kept in $PASSFILE)

  Connect exactly as to one server:
    bin/seal smtps://localhost:8465 --user demo --password-file $PASSFILE
    bin/seal pop3s://localhost:8995 --user demo --password-file $PASSFILE
    bin/seal --batch rtsps://localhost:8322/demo.wav --user demo \\
         --password-file $PASSFILE --output copy.wav
  Each node:      bin/sealed --data-dir $DATA --node-name node1 status
  HAProxy:        echo "show stat" | socat - $SEALED_HAPROXY_SOCK   (if socat is installed)
  The nodes (kill -9 one: HAProxy takes it out; run its command again: back):$nodes
  The log of every node: $DATA/sealed.log (the first address names the node).
  Ctrl-C stops HAProxy and the nodes.

EOT
# Until one of them exits or Ctrl-C.
while :; do
	for p in $pids; do
		kill -0 "$p" 2>/dev/null || { echo "cluster: process $p exited; stopping" >&2; exit 1; }
	done
	sleep 1
done
