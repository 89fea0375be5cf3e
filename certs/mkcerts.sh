#!/bin/sh
# mkcerts.sh CN KEY DAYS: the demo certificates behind `make certs`.
#
#   server.crt / server.key  self-signed server certificate (it is its own trust
#                            anchor: the client's --cafile is this very file)
#   client.crt / client.key  self-signed client certificate for mutual TLS
#
# CN defaults to localhost, KEY is ec (ECDSA P-256, the default) or rsa4096,
# DAYS defaults to 365. Files go to $CERTS_DIR (default: this script's folder).
# Existing files are never overwritten. Keys are unencrypted, mode 0600.
set -eu

CN=${1:-localhost}
KEY=${2:-ec}
DAYS=${3:-365}

here=$(cd "$(dirname "$0")" && pwd)
dir=${CERTS_DIR:-$here}

case $KEY in
    ec|rsa4096) ;;
    *) echo "mkcerts: KEY must be ec or rsa4096, not '$KEY'" >&2; exit 2 ;;
esac
case $DAYS in
    ''|*[!0-9]*) echo "mkcerts: DAYS must be a positive number, not '$DAYS'" >&2; exit 2 ;;
esac
if [ "$DAYS" -lt 1 ]; then
    echo "mkcerts: DAYS must be a positive number, not '$DAYS'" >&2; exit 2
fi
case $CN in
    ''|*[!A-Za-z0-9.-]*)
        echo "mkcerts: CN must be a host name (letters, digits, dots, dashes), not '$CN'" >&2
        exit 2 ;;
esac
command -v openssl >/dev/null 2>&1 || {
    echo "mkcerts: the openssl tool is missing (apt-get install openssl)" >&2; exit 1; }

mkdir -p "$dir"
# How to name the folder in messages: certs/ for the default, else the path.
if [ "$(cd "$dir" && pwd)" = "$here" ]; then show=certs; else show=$dir; fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mkcerts.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

# newkey FILE TYPE: an unencrypted private key, created 0600 from the start.
newkey() {
    ( umask 077
      case $2 in
          ec) openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
                  -pkeyopt ec_param_enc:named_curve -out "$1" 2>"$tmp/err" ;;
          rsa4096) openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:4096 \
                  -out "$1" 2>"$tmp/err" ;;
      esac ) || { echo "mkcerts: openssl genpkey failed: $(head -n 1 "$tmp/err")" >&2; exit 1; }
    chmod 600 "$1"
}

# selfsign KEYFILE CRTFILE SUBJECT EXTFILE
selfsign() {
    openssl req -new -x509 -key "$1" -out "$2" -days "$DAYS" -sha256 \
        -subj "$3" -config "$4" -extensions ext 2>"$tmp/err" \
        || { echo "mkcerts: openssl req failed: $(head -n 1 "$tmp/err")" >&2; exit 1; }
    chmod 644 "$2"
}

# make_pair NAME SUBJECT EXTENSIONS: NAME.crt and NAME.key, unless either exists.
make_pair() {
    crt=$dir/$1.crt key=$dir/$1.key
    if [ -e "$crt" ] || [ -e "$key" ]; then
        for f in "$crt" "$key"; do
            [ -e "$f" ] && echo "$show/$(basename "$f") exists, kept"
        done
        if [ ! -e "$crt" ] || [ ! -e "$key" ]; then
            echo "mkcerts: $1.crt and $1.key must come as a pair; remove the one left to make both" >&2
            exit 1
        fi
        return 0
    fi
    cat >"$tmp/$1.cnf" <<EOF
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ext]
$3
EOF
    newkey "$tmp/$1.key" "$KEY"
    selfsign "$tmp/$1.key" "$tmp/$1.crt" "$2" "$tmp/$1.cnf"
    # Move into place only when both exist, so a failure leaves no half pair.
    mv "$tmp/$1.key" "$key"
    mv "$tmp/$1.crt" "$crt"
    chmod 600 "$key"
    echo "wrote $show/$1.crt and $show/$1.key ($2, $KEY, $DAYS days)"
}

if [ "$CN" = localhost ]; then san="DNS:localhost"; else san="DNS:$CN, DNS:localhost"; fi
make_pair server "/CN=$CN" "basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = $san, IP:127.0.0.1"

make_pair client "/CN=seal-client" "basicConstraints = critical, CA:TRUE
keyUsage = critical, digitalSignature, keyCertSign
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash"
