#!/bin/sh
# deps.sh [--bench]: installs the Debian packages that sealed's build and tests
# need, only those that are missing; does nothing (and needs no network) when
# all are present. Run by `make deps`, `make run` and `make test`; `make bench`
# adds --bench for the benchmark's reference server (nginx), which the tests
# never need.
set -eu

BENCH=0
case "${1:-}" in
--bench) BENCH=1 ;;
"") ;;
*) echo "usage: sh tools/deps.sh [--bench]" >&2; exit 2 ;;
esac

# clang and libclang-rt-14-dev (libFuzzer, whose runtime clang only suggests):
# the fuzz harnesses of make fuzz and of make test's last stage.
PACKAGES="
gcc make pkg-config
libwolfssl-dev libncurses-dev libcrypt-dev libasound2-dev
openssl curl python3 tmux tshark ffmpeg
dpkg-dev autoconf automake libtool
clang libclang-rt-14-dev
testssl.sh sslscan cppcheck clang-tidy
pulseaudio pulseaudio-utils libasound2-plugins
"
# testssl.sh and sslscan: the TLS scans of tests/integration/test_hard_tls.py;
# cppcheck and clang-tidy: make lint (a stage of make test).
# libasound2-dev: seal plays RTSP audio through ALSA. pulseaudio (its null
# sink keeps a clock, unlike ALSA's null device), pulseaudio-utils (parec)
# and libasound2-plugins (ALSA's pulse plugin): the playback timing tests
# of tests/integration/test_audio.py (about 16 MB; no daemon is started by
# the package: the tests run their own, on a private socket).
# make bench only: nginx, the reference TLS server (tests/bench/bench.py runs
# its own instance from a temp dir; the packaged service is never started).
BENCH_PACKAGES="
nginx
"
[ "$BENCH" -eq 1 ] && PACKAGES="$PACKAGES $BENCH_PACKAGES"

missing=""
for p in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "deps: installing$missing"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | $SUDO debconf-set-selections 2>/dev/null || true
$SUDO apt-get update -qq
# Installing nginx would start the packaged service on port 80: unless the
# machine already has a policy, deny service starts for this install only
# (policy-rc.d, honoured by invoke-rc.d and deb-systemd-invoke).
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ "$BENCH" -eq 1 ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# made by sealed tools/deps.sh --bench for one apt-get install\nexit 101\n' |
		$SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=1
	trap '$SUDO rm -f "$policy"' EXIT
	trap 'exit 130' INT TERM
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
