#!/bin/bash
# SPDX-License-Identifier: MIT
# The CLI as a new user runs it right after ./quickstart.sh: from the
# build tree, on the example store, with a relative --root and no
# SSHHOSTKEYS_MODULE_DIR; and a copy outside the tree, as installed, that
# must not use the modules of the tree it was built in.
. "$(dirname "$0")/lib.sh"
[ -x "$SHK_CLI" ] || skip_all "no CLI at $SHK_CLI"

# The example store, as quickstart.sh leaves it (Git keeps no modes, and
# stores writable by others are ignored).
cp -R "$top_srcdir/examples" "$TMPROOT/ex"
chmod -R u+w,go-w "$TMPROOT/ex" # u+w: make distcheck's source tree is read-only
export HOME=$TMPROOT/ex/home
key=$(cut -d' ' -f1,2 "$TMPROOT/ex/keys/alpha_ed25519.pub")
cd "$TMPROOT"
intree() { env -u SSHHOSTKEYS_MODULE_DIR "$SHK_CLI" "$@"; }

out=$(intree --root ex/root -v lookup alpha.example.com 2>"$TMPROOT/err")
check "relative --root, modules from the build tree: the key" \
	grep -qxF "alpha.example.com $key" <<<"$out"
check "... from the files source, under the working directory" \
	grep -qF "# source files: $TMPROOT/ex/root/etc/ssh/ssh_known_hosts:" <<<"$out"
check "... and nothing skipped" test ! -s "$TMPROOT/err"
cat "$TMPROOT/err"
out=$(cd ex/home && intree --root ../root lookup alpha.example.com)
check "../ in --root" test -n "$out" -a "$out" = \
	"$(intree --root "$TMPROOT/ex/root" lookup alpha.example.com)"
out=$(intree --root ex/root sources)
check "sources: every source ready" test "$(grep -c ': ready' <<<"$out")" = 2
# An explicit SSHHOSTKEYS_MODULE_DIR still wins over the build tree.
mkdir "$TMPROOT/nomodules"
err=$(SSHHOSTKEYS_MODULE_DIR=$TMPROOT/nomodules "$SHK_CLI" --root ex/root lookup \
	alpha.example.com 2>&1 >/dev/null || true)
check "SSHHOSTKEYS_MODULE_DIR wins" grep -qF "cannot load $TMPROOT/nomodules/" <<<"$err"
expect_rc 1 "a relative --root with no stores: nothing known (not refused)" \
	intree --root nothere lookup alpha.example.com

# A copy of the same executable outside the build tree, as "make install"
# puts it: the tree's modules are not used (it looks in its MODULEDIR).
real=$top_builddir/tools/.libs/sshhostkeys
if [ -x "$real" ] && [ -d "$top_builddir/lib/.libs" ]; then
	mkdir "$TMPROOT/bin"
	cp "$real" "$TMPROOT/bin/sshhostkeys"
	err=$(env -u SSHHOSTKEYS_MODULE_DIR LD_LIBRARY_PATH="$top_builddir/lib/.libs" \
		"$TMPROOT/bin/sshhostkeys" --root ex/root lookup alpha.example.com 2>&1 >/dev/null ||
		true)
	check "installed copy: build tree modules not used" \
		grep -qF 'source "files" skipped: cannot load' <<<"$err"
	check "installed copy: names its own module directory" \
		bash -c '! grep -qF -- "$1"' _ "$top_builddir/module" <<<"$err"
else
	echo "# no libtool .libs layout (static build?): installed-copy check skipped"
fi
t_done
