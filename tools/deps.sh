#!/bin/sh
# deps.sh [--bench|--package]: installs the Debian packages that sealed's
# build and tests need, only those that are missing; does nothing (and needs
# no network) when all are present. Run by `make deps`, `make run` and
# `make test`; `make bench` adds --bench for the benchmark's reference server
# (nginx), which the tests never need; `make deb` and `make test-package` add
# --package for Debian's packaging tools, which make test never needs.
set -eu

BENCH=0
PACKAGE=0
case "${1:-}" in
--bench) BENCH=1 ;;
--package) PACKAGE=1 ;;
"") ;;
*) echo "usage: sh tools/deps.sh [--bench|--package]" >&2; exit 2 ;;
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
chromium haproxy mandoc systemd
pulseaudio pulseaudio-utils libasound2-plugins
"
# testssl.sh and sslscan: the TLS scans of tests/integration/test_hard_tls.py;
# cppcheck and clang-tidy: make lint (a stage of make test).
# chromium: tests/integration/test_grade.py opens the grader's class summary
# (one HTML page) in it, headless (about 115 MB to fetch, 390 MB installed
# without recommends: as heavy as clang, and the only way to prove the page
# renders and loads nothing from outside).
# haproxy: the load balancer of make cluster and
# tests/integration/test_cluster.py (each runs its own instance from a temp
# dir; the packaged service is never started).
# mandoc and systemd: tests/integration/test_install.py lints the man pages
# (mandoc -T lint) and verifies the unit (systemd-analyze verify; systemd is
# the package that has it). Where systemd is not PID 1, as in a container,
# installing it starts nothing: its postinst adds system accounts and unit
# links, and starts units only when /run/systemd/system exists.
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
# make deb and make test-package only: dpkg-buildpackage's debhelper,
# lintian, and logrotate to check the package's logrotate snippet.
PACKAGE_PACKAGES="
debhelper lintian logrotate adduser
"
[ "$BENCH" -eq 1 ] && PACKAGES="$PACKAGES $BENCH_PACKAGES"
[ "$PACKAGE" -eq 1 ] && PACKAGES="$PACKAGES $PACKAGE_PACKAGES"

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
# Installing nginx or haproxy would start the packaged service (nginx on
# port 80): unless the machine already has a policy, deny service starts for
# this install only (policy-rc.d, honoured by invoke-rc.d and
# deb-systemd-invoke).
policy=/usr/sbin/policy-rc.d
made_policy=0
case "$missing" in
*nginx*|*haproxy*) deny_starts=1 ;;
*) deny_starts=0 ;;
esac
if [ "$deny_starts" -eq 1 ] && [ ! -e "$policy" ]; then
	printf '#!/bin/sh\n# made by sealed tools/deps.sh for one apt-get install\nexit 101\n' |
		$SUDO tee "$policy" >/dev/null
	$SUDO chmod 755 "$policy"
	made_policy=1
	trap '$SUDO rm -f "$policy"' EXIT
	trap 'exit 130' INT TERM
fi
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
