#!/bin/sh
# run.sh: behind `make run`. Makes a demo user (once), prints how to connect,
# then runs bin/sealed in the foreground on the default ports until Ctrl-C.
# DATA (default data) and SEALED_ARGS (extra server flags) may be set.
set -eu

DATA=${DATA:-data}
PASSFILE="$DATA/demo-password"
SEALED=bin/sealed

mkdir -p "$DATA"
chmod 700 "$DATA"
if ! $SEALED --data-dir "$DATA" users 2>/dev/null | grep -qx demo; then
	umask 077
	# 12 random bytes from the kernel, base64: a password to type or paste.
	head -c 12 /dev/urandom | base64 | tr -d '\n/+=' > "$PASSFILE"
	echo >> "$PASSFILE"
	$SEALED --data-dir "$DATA" useradd demo < "$PASSFILE"
	echo "run: created the demo user 'demo' (password in $PASSFILE)"
fi
PASS=$(head -n 1 "$PASSFILE" 2>/dev/null || echo "(see $PASSFILE)")
# Demo media for RTSP: a generated WAV (never committed) when the folder has none.
MEDIA="$DATA/media"
mkdir -p "$MEDIA"
if ! ls "$MEDIA"/*.wav >/dev/null 2>&1; then
	python3 tools/mkwav.py "$MEDIA/demo.wav" --seconds 8
	echo "run: created the demo stream $MEDIA/demo.wav (8 s, 44.1 kHz stereo)"
fi

cat <<EOT

  sealed: SMTP submission on 127.0.0.1:8465, POP3 on :8995, RTSP on :8322,
          all over TLS only
  demo user:  demo   password: $PASS   (kept in $PASSFILE)

  Connect with the client (certificate checked against certs/server.crt):
    bin/seal --show-cert smtps://localhost:8465
    bin/seal smtps://localhost:8465 --user demo --password-file $PASSFILE
    bin/seal pop3s://localhost:8995 --user demo --password-file $PASSFILE
  or with curl:
    curl --ssl-reqd --cacert certs/server.crt --user demo:$PASS \\
         --mail-from demo@localhost --mail-rcpt demo@localhost \\
         --upload-file message.txt smtps://localhost:8465
  Stream audio (RTSP over TLS on 127.0.0.1:8322, RTP inside the TLS connection;
  streams are the WAV files in $MEDIA/):
    bin/seal --batch rtsps://localhost:8322/demo.wav --user demo \\
         --password-file $PASSFILE --output copy.wav
    ffmpeg -rtsp_transport tcp -i rtsps://demo:$PASS@localhost:8322/demo.wav -f wav copy.wav
    ffplay -rtsp_transport tcp rtsps://demo:$PASS@localhost:8322/demo.wav
  (Debian's ffmpeg 5.1 does not check the certificate of an rtsps:// server.)
  Add a user:   bin/sealed --data-dir $DATA useradd NAME
  Mail lands in $DATA/mail/NAME/new/, the log is $DATA/sealed.log.
  Ctrl-C stops the server.

EOT
# shellcheck disable=SC2086
exec $SEALED --data-dir "$DATA" ${SEALED_ARGS:-}
