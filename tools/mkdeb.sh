#!/bin/sh
# mkdeb.sh: builds sealed's Debian package, run by `make deb` once the tuned
# wolfSSL exists (tools/wolfssl.sh):
#   1. checks that debian/changelog's version is the VERSION file's;
#   2. copies the tree (less .git, build outputs and what .gitignore lists)
#      to build/deb/sealed-VERSION/, with build/wolfssl linked in;
#   3. runs `dpkg-buildpackage -b -us -uc` there (debian/rules calls the
#      Makefile), so the .deb and .changes land in build/deb/ and the tree
#      itself gets no debian/sealed/, debian/files or parent-directory files;
#   4. runs lintian on the .changes (the .deb, with its .buildinfo) and
#      fails on an error; its whole output is build/deb/lintian.txt.
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)
VERSION=$(cat VERSION)
OUT=$TOP/build/deb
SRC=$OUT/sealed-$VERSION

die() { echo "mkdeb: error: $*" >&2; exit 1; }

[ -f build/wolfssl/lib/libwolfssl.a ] || die "no build/wolfssl: run make deb (it builds it first)"
cv=$(dpkg-parsechangelog -S Version)
[ "$cv" = "$VERSION" ] || die "debian/changelog is at $cv but VERSION says $VERSION: add a changelog entry"

rm -rf "$OUT"
mkdir -p "$SRC/build"
tar -C "$TOP" --exclude-vcs --exclude-vcs-ignores --exclude=./build --exclude=./bin -cf - . |
	tar -C "$SRC" -xf -
ln -s "$TOP/build/wolfssl" "$SRC/build/wolfssl"

echo "mkdeb: dpkg-buildpackage -b -us -uc in ${SRC#"$TOP"/} (log: build/deb/build.log)"
if ! (cd "$SRC" && dpkg-buildpackage -b -us -uc) >"$OUT/build.log" 2>&1; then
	tail -n 20 "$OUT/build.log" >&2
	die "dpkg-buildpackage failed (log: build/deb/build.log)"
fi
for f in "$OUT"/*.deb; do
	echo "mkdeb: built ${f#"$TOP"/}"
done

changes=$(ls "$OUT"/sealed_"$VERSION"_*.changes)
lintian --info --display-info --fail-on error "$changes" >"$OUT/lintian.txt" 2>&1 && rc=0 || rc=$?
for level in E W I; do
	n=$(grep -c "^$level: " "$OUT/lintian.txt" || true)
	echo "mkdeb: lintian: $n $(case $level in E) echo 'error(s)';; W) echo 'warning(s)';; I) echo 'info(s)';; esac)"
done
grep -E '^(E|W): ' "$OUT/lintian.txt" | sort | uniq -c | sed 's/^/mkdeb:   /' || true
[ "$rc" -eq 0 ] || die "lintian found errors (build/deb/lintian.txt)"
