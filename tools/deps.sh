#!/bin/sh
# deps.sh: installs the Debian packages that sealed's build and tests need,
# only those that are missing; does nothing (and needs no network) when all
# are present. Run by `make deps`, `make run` and `make test`.
set -eu

PACKAGES="
gcc make pkg-config
libwolfssl-dev libncurses-dev libcrypt-dev
openssl curl python3 tmux tshark
dpkg-dev autoconf automake libtool
"

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
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
