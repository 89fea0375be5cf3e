#!/bin/sh
# wolfssl.sh: builds the tuned wolfSSL that `make WOLFSSL=tuned` links, from
# Debian's own source package, and installs it as a static library under
# build/wolfssl/ (include/, lib/libwolfssl.a). Run by `make deps`.
#
#   1. Writes a private apt configuration under build/apt/: deb-src entries for
#      CODENAME, CODENAME-updates and CODENAME-security, derived from the
#      machine's own deb sources (mirror URIs, components, keys). The machine's
#      apt configuration, lists and cache are not touched.
#   2. Refreshes that private index (at most once a day; WOLFSSL_REFRESH=1
#      forces it), so the newest Debian patch level of wolfssl wins.
#   3. `apt-get source wolfssl` (with Debian's patches applied), ./autogen.sh,
#      configure (the line is below), make -j2, make install.
#
# Built once and reused: build/wolfssl/.stamp holds the source version and the
# configure line; nothing is rebuilt (and no network is needed) while both
# are unchanged. `tools/wolfssl.sh bench` builds wolfCrypt's benchmark from
# the same source tree and configuration and runs it.
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
PREFIX=$TOP/build/wolfssl
APTDIR=$TOP/build/apt
SRCDIR=$TOP/build/wolfssl-src
STAMP=$PREFIX/.stamp
JOBS=${JOBS:-2}
MODE=${1:-build}
case $MODE in build|bench) ;; *) echo "usage: tools/wolfssl.sh [bench [BENCHMARK-ARGS]]" >&2; exit 2;; esac
[ $# -gt 0 ] && shift
BENCH_ARGS="$*"

say() { echo "wolfssl: $*"; }
die() { echo "wolfssl: error: $*" >&2; exit 1; }
# The last non-empty line of a log, to name the cause on one line.
lastline() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n 1 | cut -c1-200; }
# run LOG CMD...: runs CMD with its output in LOG, dies on failure.
run() {
	log=$1; shift
	if ! "$@" >"$log" 2>&1; then
		die "$(basename "$log" .log) failed: $(lastline "$log") (log: ${log#"$TOP"/})"
	fi
}

# What we use and nothing more: TLS 1.2/1.3 with ECDHE and AEAD suites only,
# x86-64 assembly, AES-NI and the SP code for P-256/P-384/RSA, X25519/Ed25519,
# tickets, SNI, ALPN, IP SANs, the OpenSSL-compatible X509 getters, the secret
# callback (key log), encrypted PEM keys, and certificate generation for tests.
# The -D flags reach wolfssl/options.h and mirror the behaviour of Debian's
# build that our code relies on: the verify callback runs for every certificate
# of the chain; OpenSSL-compatible defaults (a new CTX verifies nothing until
# told, so an expired trust anchor still loads and the handshake names the
# error; X509_V_ERR codes in the verify callback; auto-retry reads) and error
# codes; the secret callback, which Debian's build lacks, for the key log.
# WOLFSSL_GETRANDOM seeds each connection's RNG with getrandom(2) instead of
# opening /dev/urandom: no descriptor (none to spare under the fd limit, none
# after a chroot), three system calls fewer per handshake.
CONFIGURE="--prefix=$PREFIX --enable-static --disable-shared \
--disable-examples --disable-crypttests --disable-dependency-tracking \
--enable-intelasm --enable-aesni --enable-sp --enable-sp-asm \
--enable-tls13 --disable-oldtls --disable-sslv3 --disable-tlsv10 \
--disable-arc4 --disable-des3 --disable-dh --disable-dsa --disable-psk \
--disable-anon --disable-nullcipher --disable-oldnames \
--enable-ecc --enable-curve25519 --enable-ed25519 \
--enable-aesgcm --enable-chacha --enable-poly1305 \
--enable-session-ticket --enable-sni --enable-alpn --enable-supportedcurves \
--enable-extended-master --enable-certgen --enable-keygen --enable-ip-alt-name \
--enable-opensslextra --enable-opensslall --enable-enckeys --enable-pwdbased \
--enable-altcertchains"
CFLAGS_WOLFSSL="-O2 -g -DWOLFSSL_ALWAYS_VERIFY_CB -DWOLFSSL_VERIFY_CB_ALL_CERTS -DHAVE_SECRET_CALLBACK -DWOLFSSL_ERROR_CODE_OPENSSL -DOPENSSL_COMPATIBLE_DEFAULTS -DWOLFSSL_GETRANDOM"

# The build tools come from tools/deps.sh (`make deps`).
for t in apt-get dpkg-source autoreconf libtoolize make cc; do
	command -v "$t" >/dev/null 2>&1 || die "$t not found: run 'make deps' (tools/deps.sh) first"
done

# ---- 1. the private apt configuration -------------------------------------
mkdir -p "$SRCDIR"
# One build at a time (make -j may start `deps` and the library rule together).
if command -v flock >/dev/null 2>&1; then
	exec 9>"$SRCDIR/.lock"
	flock 9 || die "cannot lock $SRCDIR/.lock"
fi
mkdir -p "$APTDIR/apt.conf.d" "$APTDIR/sources.list.d" \
         "$APTDIR/state/lists/partial" "$APTDIR/cache/archives/partial" "$SRCDIR"

# shellcheck disable=SC1091
. /etc/os-release 2>/dev/null || true
CODENAME=${VERSION_CODENAME:-}
[ -n "$CODENAME" ] || die "no VERSION_CODENAME in /etc/os-release"

set --
[ -f /etc/apt/sources.list ] && set -- "$@" /etc/apt/sources.list
for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
	[ -f "$f" ] && set -- "$@" "$f"
done
[ $# -gt 0 ] || die "no apt sources configured on this machine"

# deb822 out, from deb822 (.sources) and one-line (.list) entries in: keeps the
# URIs, components and keys of each deb entry whose suites include CODENAME,
# CODENAME-updates or CODENAME-security; adds the missing ones next to CODENAME.
SOURCES=$APTDIR/sources.list.d/debian-src.sources
awk -v C="$CODENAME" '
function want(s) { return s == C || s == C "-updates" || s == C "-security" }
function keep(types, uris, suites, comps, extra,    i, n, w, k) {
	if (enabled == "no" || uris == "" || (" " types " ") !~ / deb /) return
	if (uris ~ /^cdrom:/) return
	n = split(suites, w, /[ \t]+/); k = ""
	for (i = 1; i <= n; i++)
		if (want(w[i])) { k = k (k == "" ? "" : " ") w[i]; seen[w[i]] = 1 }
	if (k == "") return
	N++; U[N] = uris; S[N] = k; K[N] = comps; X[N] = extra
	if ((" " k " ") ~ (" " C " ") && base == "") base = N
}
function endstanza() {
	if (inst) keep(types, uris, suites, comps, extra)
	inst = 0; types = uris = suites = comps = extra = enabled = ""; cur = ""
}
FNR == 1 { endstanza() }
FILENAME ~ /\.sources$/ {
	if ($0 ~ /^#/) next
	if ($0 ~ /^[ \t]*$/) { endstanza(); next }
	if ($0 ~ /^[ \t]/) { if (cur == "x") extra = extra "\n" $0; next }
	inst = 1
	name = tolower($0); sub(/:.*/, "", name)
	val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
	cur = ""
	if (name == "types") types = val
	else if (name == "uris") uris = val
	else if (name == "suites") suites = val
	else if (name == "components") comps = val
	else if (name == "enabled") enabled = tolower(val)
	else if (name == "architectures") ;
	else { extra = extra (extra == "" ? "" : "\n") $0; cur = "x" }
	next
}
{	# one-line format: deb [opts] uri suite comp...
	sub(/#.*/, "")
	if ($1 != "deb") next
	line = $0; opts = ""
	if (match(line, /\[[^]]*\]/)) {
		opts = substr(line, RSTART + 1, RLENGTH - 2)
		line = substr(line, 1, RSTART - 1) substr(line, RSTART + RLENGTH)
	}
	n = split(line, w, /[ \t]+/); i = (w[1] == "" ? 2 : 1)
	x = ""; m = split(opts, o, /[ \t]+/)
	for (j = 1; j <= m; j++) {
		if (o[j] ~ /^signed-by=/) { v = o[j]; sub(/^[^=]*=/, "", v); x = x (x == "" ? "" : "\n") "Signed-By: " v }
		if (o[j] ~ /^trusted=/) { v = o[j]; sub(/^[^=]*=/, "", v); x = x (x == "" ? "" : "\n") "Trusted: " v }
	}
	c = ""; for (j = i + 3; j <= n; j++) c = c (c == "" ? "" : " ") w[j]
	enabled = ""
	keep("deb", w[i + 1], w[i + 2], c, x)
}
END {
	endstanza()
	if (base == "") exit 3
	if (!seen[C "-updates"]) S[base] = S[base] " " C "-updates"
	if (!seen[C "-security"]) {
		u = U[base]
		if (u ~ /\/debian\/?$/) {
			sub(/\/?$/, "-security", u)
			N++; U[N] = u; S[N] = C "-security"; K[N] = K[base]; X[N] = X[base]
		}
	}
	for (i = 1; i <= N; i++) {
		printf "Types: deb-src\nURIs: %s\nSuites: %s\nComponents: %s\n", U[i], S[i], K[i]
		if (X[i] != "") print X[i]
		print ""
	}
}' "$@" >"$SOURCES.new" || die "no Debian '$CODENAME' deb source found in /etc/apt to derive deb-src entries from"
if cmp -s "$SOURCES.new" "$SOURCES"; then rm -f "$SOURCES.new"; else mv "$SOURCES.new" "$SOURCES"; rm -f "$APTDIR/state/lists/.refreshed"; fi
: >"$APTDIR/sources.list"

# apt reads its configuration parts before any -o option, so a private parts
# directory (the machine's parts, linked, plus ours last) is the only way to
# drop the machine's update hooks (appstream, packagekit) for our private
# index while keeping its settings (proxy, validity checks, compression).
for f in "$APTDIR"/apt.conf.d/*; do [ -L "$f" ] && rm -f "$f"; done
for f in /etc/apt/apt.conf.d/*; do
	[ -f "$f" ] && ln -sf "$f" "$APTDIR/apt.conf.d/$(basename "$f")"
done
cat >"$APTDIR/apt.conf.d/zzzz-sealed" <<EOT
#clear APT::Update::Pre-Invoke;
#clear APT::Update::Post-Invoke;
#clear APT::Update::Post-Invoke-Success;
EOT
# A user's own APT_CONFIG (read first by apt) still applies.
INCLUDE=""
case ${APT_CONFIG:-} in
"" | "$APTDIR/apt.conf") ;;
*) [ -f "$APT_CONFIG" ] && INCLUDE="#include \"$APT_CONFIG\";" ;;
esac
printf '%s\nDir::Etc::Parts "%s/apt.conf.d/";\n' "$INCLUDE" "$APTDIR" >"$APTDIR/apt.conf"
APT_CONFIG=$APTDIR/apt.conf
export APT_CONFIG
SANDBOX=""
[ "$(id -u)" -eq 0 ] && SANDBOX="-o APT::Sandbox::User=root"
apt_private() {
	cmd=$1; shift
	# shellcheck disable=SC2086
	"$cmd" -o Dir::Etc::SourceList="$APTDIR/sources.list" \
	    -o Dir::Etc::SourceParts="$APTDIR/sources.list.d" \
	    -o Dir::State="$APTDIR/state" -o Dir::State::status=/var/lib/dpkg/status \
	    -o Dir::Cache="$APTDIR/cache" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= \
	    $SANDBOX "$@"
}

# ---- 2. the private index ---------------------------------------------------
REFRESHED=$APTDIR/state/lists/.refreshed
if [ "${WOLFSSL_REFRESH:-0}" = 1 ] || [ ! -f "$REFRESHED" ] || \
   [ -n "$(find "$REFRESHED" -mmin +1440 2>/dev/null)" ]; then
	say "updating the private deb-src index ($(awk '/^Suites:/{sub(/^Suites: /,"");printf "%s%s",s,$0;s=" "}' "$SOURCES"))"
	if apt_private apt-get update -q >"$SRCDIR/apt-update.log" 2>&1 && \
	   ! grep -q '^\(W\|E\|Err\):' "$SRCDIR/apt-update.log"; then
		touch "$REFRESHED"
	elif [ -f "$REFRESHED" ] || [ -f "$STAMP" ]; then
		say "warning: index refresh failed, using the previous one: $(lastline "$SRCDIR/apt-update.log")"
	else
		die "apt-get update (private deb-src list) failed: $(lastline "$SRCDIR/apt-update.log") (log: build/wolfssl-src/apt-update.log)"
	fi
fi

# ---- 3. which source version ---------------------------------------------
URIS=$(apt_private apt-get source --print-uris -qq wolfssl 2>"$SRCDIR/version.log") || \
	die "apt-get source --print-uris wolfssl failed: $(lastline "$SRCDIR/version.log")"
DSC=$(echo "$URIS" | awk '$2 ~ /\.dsc$/ {print $2; exit}')
[ -n "$DSC" ] || die "no wolfssl source package in the private index"
VERSION=${DSC#wolfssl_}; VERSION=${VERSION%.dsc}

WANT=$(printf '%s\n%s\n%s\n' "source wolfssl $VERSION" "configure $CONFIGURE" "CFLAGS $CFLAGS_WOLFSSL")
if [ "$MODE" = build ] && [ -f "$STAMP" ] && [ -f "$PREFIX/lib/libwolfssl.a" ] && \
   [ "$(cat "$STAMP")" = "$WANT" ]; then
	say "up to date (wolfssl $VERSION, build/wolfssl)"
	exit 0
fi

UPSTREAM=${VERSION%-*}
TREE=$SRCDIR/wolfssl-$UPSTREAM

if [ "$MODE" = bench ]; then
	if ! [ -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ] || ! [ -f "$TREE/config.h" ]; then
		die "build the library first (tools/wolfssl.sh)"
	fi
	say "building wolfcrypt/benchmark"
	# The benchmark's own source, with the configuration the library was
	# built with, linked against the installed static library.
	# shellcheck disable=SC2086
	run "$SRCDIR/benchmark.log" cc -O2 -DHAVE_CONFIG_H -I"$TREE" -I"$PREFIX/include" \
		$CFLAGS_WOLFSSL -o "$TREE/benchmark" "$TREE/wolfcrypt/benchmark/benchmark.c" \
		"$PREFIX/lib/libwolfssl.a" -lm -pthread
	# shellcheck disable=SC2086
	exec "$TREE/benchmark" $BENCH_ARGS
fi

rm -f "$STAMP"

# ---- 4. fetch and unpack ----------------------------------------------------
say "fetching and unpacking wolfssl $VERSION (apt-get source)"
# Other versions' files go; this version's are reused when present.
for f in "$SRCDIR"/wolfssl_*; do
	case $f in "$SRCDIR/wolfssl_${VERSION}."*|"$SRCDIR/wolfssl_${UPSTREAM}.orig"*) ;; *) rm -f "$f";; esac
done
for d in "$SRCDIR"/wolfssl-*/; do [ -d "$d" ] && rm -rf "$d"; done
(cd "$SRCDIR" && run "$SRCDIR/apt-source.log" apt_private apt-get source -q "wolfssl=$VERSION")
[ -f "$TREE/configure.ac" ] || die "apt-get source did not unpack $TREE"

# ---- 5. build -----------------------------------------------------------
cd "$TREE"
say "autogen"
run "$SRCDIR/autogen.log" ./autogen.sh
say "configure $CONFIGURE"
# shellcheck disable=SC2086
run "$SRCDIR/configure.log" ./configure $CONFIGURE CFLAGS="$CFLAGS_WOLFSSL"
if grep -q 'unrecognized options' "$SRCDIR/configure.log"; then
	die "configure: $(grep -m1 'unrecognized options' "$SRCDIR/configure.log")"
fi
say "make -j$JOBS"
run "$SRCDIR/make.log" make -j"$JOBS"
say "install into build/wolfssl"
rm -rf "$PREFIX"
run "$SRCDIR/install.log" make install
printf '%s\n' "$WANT" >"$STAMP"
say "built wolfssl $VERSION: build/wolfssl/lib/libwolfssl.a"
