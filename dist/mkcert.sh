#!/bin/sh
# mkcert.sh CERT KEY [GROUP]: makes a self-signed server certificate for
# this host (ECDSA P-256, CN = the host's name, subjectAltName DNS:name,
# DNS:localhost, IP:127.0.0.1, valid 10 years like Debian's snakeoil) unless
# CERT or KEY exists. The key is written 0600, or root:GROUP 0640 with GROUP
# (sealed's rule for a root-owned key shared with the account it drops to).
# Run by the Debian package's postinst; after `make install`, by hand.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
	echo "usage: sh mkcert.sh CERT KEY [GROUP]" >&2
	exit 2
fi
crt=$1 key=$2 group=${3:-}
if [ -e "$crt" ] || [ -e "$key" ]; then
	echo "mkcert: $crt or $key exists: nothing made"
	exit 0
fi
host=$(hostname --fqdn 2>/dev/null || true)
[ -n "$host" ] || host=$(hostname 2>/dev/null || true)
[ -n "$host" ] || host=localhost
san="DNS:$host"
[ "$host" = localhost ] || san="$san,DNS:localhost"
san="$san,IP:127.0.0.1"

umask 077
tmpkey=$(mktemp "$key.XXXXXX")
tmpcrt=$(mktemp "$crt.XXXXXX")
trap 'rm -f "$tmpkey" "$tmpcrt"' EXIT
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
	-subj "/CN=$host" -addext "subjectAltName=$san" \
	-keyout "$tmpkey" -out "$tmpcrt" 2>/dev/null
if [ -n "$group" ]; then
	chown "root:$group" "$tmpkey"
	chmod 0640 "$tmpkey"
fi
chmod 0644 "$tmpcrt"
mv "$tmpkey" "$key"
mv "$tmpcrt" "$crt"
trap - EXIT
echo "mkcert: made $crt (CN=$host, $san) and $key"
