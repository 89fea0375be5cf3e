#!/bin/sh
# install.sh SEALED BINDIR: what `make install` installs, under $DESTDIR:
#   $PREFIX/sbin/sealed              SEALED (built with the config below as default)
#   $PREFIX/bin/seal, seal-load      from BINDIR
#   $PREFIX/share/man/man{1,5,8}/    seal.1 seal-load.1 sealed.conf.5 sealed.8
#   $SYSCONFDIR/sealed/sealed.conf   never over an existing file
#   $PREFIX/share/doc/sealed/examples/sealed.conf   the example it comes from
#   $SYSCONFDIR/logrotate.d/sealed   never over an existing file
#   $UNITDIR/sealed.service          the systemd unit
#   $PREFIX/share/sealed/mkcert.sh   makes a self-signed certificate
# The files of dist/ and man/ have their @SBINDIR@, @SYSCONFDIR@,
# @LOCALSTATEDIR@ and @DATADIR@ replaced. Run by the Makefile, which sets
# PREFIX, SYSCONFDIR, LOCALSTATEDIR, UNITDIR and DESTDIR.
set -eu

if [ $# -ne 2 ]; then
	echo "usage: sh tools/install.sh SEALED BINDIR (run by make install)" >&2
	exit 2
fi
SEALED=$1
BINDIR=$2
: "${PREFIX:?}" "${SYSCONFDIR:?}" "${LOCALSTATEDIR:?}" "${UNITDIR:?}"
D=${DESTDIR:-}
cd "$(dirname "$0")/.."

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT

# put MODE FILE DEST: installs FILE as DEST, with the paths filled in when
# FILE is a text file of dist/ or man/.
put() {
	case $2 in
	dist/*|man/*)
		sed -e "s|@SBINDIR@|$PREFIX/sbin|g" -e "s|@SYSCONFDIR@|$SYSCONFDIR|g" \
		    -e "s|@LOCALSTATEDIR@|$LOCALSTATEDIR|g" -e "s|@DATADIR@|$PREFIX/share|g" \
		    "$2" >"$tmp"
		install -D -m "$1" "$tmp" "$D$3" ;;
	*)
		install -D -m "$1" "$2" "$D$3" ;;
	esac
	echo "install: $3"
}

# keep MODE FILE DEST: as put, unless DEST exists (an administrator's file).
keep() {
	if [ -e "$D$3" ] || [ -L "$D$3" ]; then
		echo "install: $3 exists: kept"
	else
		put "$@"
	fi
}

put 755 "$SEALED" "$PREFIX/sbin/sealed"
put 755 "$BINDIR/seal" "$PREFIX/bin/seal"
put 755 "$BINDIR/seal-load" "$PREFIX/bin/seal-load"
for page in man/*.[0-9]; do
	put 644 "$page" "$PREFIX/share/man/man${page##*.}/${page#man/}"
done
put 644 dist/sealed.conf.in "$PREFIX/share/doc/sealed/examples/sealed.conf"
keep 644 dist/sealed.conf.in "$SYSCONFDIR/sealed/sealed.conf"
keep 644 dist/sealed.logrotate.in "$SYSCONFDIR/logrotate.d/sealed"
put 644 dist/sealed.service.in "$UNITDIR/sealed.service"
put 755 dist/mkcert.sh "$PREFIX/share/sealed/mkcert.sh"
if [ "$SYSCONFDIR" != /etc ]; then
	echo "install: note: logrotate reads /etc/logrotate.d only; copy $SYSCONFDIR/logrotate.d/sealed there to use it"
fi
