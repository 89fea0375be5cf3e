#!/bin/sh
# tools/check-layout.sh: the rules of the tree that a compiler alone does not
# keep, a stage of `make lint`. Run from the top of the tree:
#   sh tools/check-layout.sh BUILD
# BUILD is the object directory of a finished build (build, build/san...);
# CC and CPPFLAGS (the wolfSSL include path) come from the environment.
#  1. prefixes: every global symbol an object of client/ or load/ defines
#     is its file's name or starts with it and '_' (tui_form.o: tui_form_*),
#     main() aside. server/ and common/ are not held to it yet.
#  2. includes: the client's folders depend one way (see the Makefile):
#     proto/ includes common/ only, net/ proto/, audio/ proto/, tui/ net/,
#     audio/ and proto/, tui/modules/ tui/, load/ client/net and
#     client/proto (never client/audio: seal-load plays nothing); no #include
#     "dir/file.h" goes round that, and nothing includes server/.
#  3. headers: every header of server/, common/, client/ and load/ in one
#     translation unit compiles: no two programs declare the same name.
# Prints what breaks a rule, then one line per rule; exits 1 if any broke.

BUILD=${1:?usage: tools/check-layout.sh BUILD}
CC=${CC:-cc}
fail=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# 1. prefixes
bad=0
for dir in client load; do
	[ -d "$BUILD/$dir" ] || { echo "check-layout: no objects in $BUILD/$dir (build first)"; bad=1; continue; }
	for o in $(find "$BUILD/$dir" -name '*.o' | sort); do
		src=${o#"$BUILD"/}
		[ -f "${src%.o}.c" ] || continue             # left over from a moved file
		base=$(basename "$o" .o)
		nm --defined-only "$o" | awk -v b="$base" -v f="${src%.o}.c" '
			$2 ~ /^[A-Z]$/ && $3 != b && index($3, b "_") != 1 && $3 != "main" {
				print f ": " $3 " does not start with " b "_"; bad = 1 }
			END { exit bad }' || bad=1
	done
done
if [ $bad -eq 0 ]; then echo "ok - prefixes"; else echo "FAIL - prefixes"; fail=1; fi

# 2. includes: DIR's own headers and those of the folders it may use
allowed() {
	case $1 in
	client/proto)        echo "common client/proto" ;;
	client/net)          echo "common client/proto client/net" ;;
	client/audio)        echo "common client/proto client/audio" ;;
	client/tui)          echo "common client/proto client/net client/audio client/tui" ;;
	client/tui/modules)  echo "common client/proto client/net client/audio client/tui client/tui/modules" ;;
	client)              echo "common client/proto client/net client/audio client/tui client/tui/modules client" ;;
	load)                echo "common client/proto client/net load" ;;
	esac
}
bad=0
for dir in client/proto client/net client/audio client/tui client/tui/modules client load; do
	for f in "$dir"/*.c "$dir"/*.h; do
		[ -f "$f" ] || continue
		# shellcheck disable=SC2013 # header names hold no spaces
		for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f"); do
			found=
			for d in $(allowed "$dir"); do
				[ -f "$d/$h" ] && found=$d
			done
			case $h in */*) found= ;; esac
			[ -n "$found" ] || { echo "$f: includes \"$h\", not in: $(allowed "$dir")"; bad=1; }
		done
	done
done
if [ $bad -eq 0 ]; then echo "ok - includes"; else echo "FAIL - includes"; fail=1; fi

# 3. headers: all in one translation unit
for h in server/*.h common/*.h client/*.h client/*/*.h client/*/*/*.h load/*.h; do
	[ -f "$h" ] && echo "#include \"$(basename "$h")\""
done >"$tmp/all.c"
# shellcheck disable=SC2086 # CPPFLAGS holds several flags
if $CC -fsyntax-only -std=c11 -D_GNU_SOURCE $CPPFLAGS -Icommon -Iserver -Iclient/proto \
    -Iclient/net -Iclient/audio -Iclient/tui -Iclient/tui/modules -Iclient -Iload "$tmp/all.c" 2>"$tmp/err"; then
	echo "ok - headers"
else
	grep 'error' "$tmp/err"; echo "FAIL - headers"; fail=1
fi
exit $fail
