#!/bin/bash
# SPDX-License-Identifier: MIT
# Privilege safety: a setuid-root copy of the CLI, run by an unprivileged
# user (nobody), must ignore SSHHOSTKEYS_ROOT, SSHHOSTKEYS_MODULE_DIR,
# SSHHOSTKEYS_LIBEXEC_DIR, HOME and --root, which all point at files that
# user controls: a planted nsswitch.conf, known_hosts, a module that leaves
# a marker if loaded and a scan helper that leaves one if run.
# The same copy without the setuid bit is the control: it must read them.
# Then write paths: symlinks planted by another user in a directory it
# may write to are refused, never followed.
# Needs root (chown, setpriv); skipped otherwise.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v setpriv >/dev/null || skip_all "no setpriv"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip_all "no C compiler"
NOBODY=$(id -u nobody 2>/dev/null) || skip_all "no user nobody"
NOGROUP=$(id -g nobody)
as_nobody() { setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups "$@"; }

# The setuid bit must work where the copy lives (not a nosuid mount).
D=$TMPROOT/bin
mkdir -p "$D/lib"
cp "$(command -v id)" "$D/id" && chmod 4755 "$D/id"
as_nobody "$D/id" | grep -q 'euid=0' || skip_all "setuid bit has no effect in $TMPROOT"

# The CLI, relinked with an absolute RPATH (the loader ignores
# LD_LIBRARY_PATH in setuid programs) next to a copy of the library.
b=$top_builddir
cp -P "$b"/lib/.libs/libsshhostkeys.so* "$D/lib/"
# Its objects as the Makefile lists them: a glob would also take stale
# ones, such as a command that moved to the scan helper (which alone links
# libssh; the CLI does not).
objs=$(printf 'shk-print-objects:\n\t@echo $(tools_sshhostkeys_OBJECTS)\n' |
	env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$b" -f Makefile \
		-f - shk-print-objects 2>/dev/null) &&
	[ -n "$objs" ] || skip_all "cannot list the CLI's objects"
objs=($objs)
objs=("${objs[@]/#/$b/}")
# SHK_LINK_FLAGS: the build's CFLAGS and LDFLAGS (the sanitizer builds
# need their -fsanitize at link time too).
# shellcheck disable=SC2086
"$CC" ${SHK_LINK_FLAGS:-} -o "$D/sshhostkeys" "${objs[@]}" -L"$D/lib" -lsshhostkeys \
	"$b"/lib/.libs/libshkcore.a -Wl,-rpath,"$D/lib" ||
	skip_all "cannot relink the CLI"
cp "$D/sshhostkeys" "$D/sshhostkeys-plain"
chown root:root "$D/sshhostkeys"
chmod 4755 "$D/sshhostkeys"
chmod 0755 "$D/sshhostkeys-plain"

# What the attacker (nobody) controls.
A=$TMPROOT/attacker
mkdir -p "$A/root/etc/ssh" "$A/home/.ssh" "$A/libexec" "$A/out"
# The module directory must pass the trust check up to "/" for the
# control to load from it, and $TMPROOT is below a world-writable /tmp:
# it lives in the build tree instead (trusted when the tree is).
AMOD=$(mktemp -d "$top_builddir/tests/setuid-modules.XXXXXX")
rm_amod() { rm -rf "$AMOD"; }
t_on_exit rm_amod
ssh-keygen -q -t ed25519 -N '' -C evil -f "$TMPROOT/evil"
echo "ssh_hostkeys: evil files" >"$A/root/etc/nsswitch.conf"
echo "evil.example $(cut -d' ' -f1,2 "$TMPROOT/evil.pub")" >"$A/root/etc/ssh/ssh_known_hosts"
echo "evil.example $(cut -d' ' -f1,2 "$TMPROOT/evil.pub")" >"$A/home/.ssh/known_hosts"
MARK=$A/out/module-was-loaded
cat >"$TMPROOT/evil.c" <<C
#include <fcntl.h>
#include <unistd.h>
__attribute__((constructor)) static void
planted(void)
{
	close(open("$MARK", O_WRONLY | O_CREAT, 0644));
}
void *sshhostkeys_module_entry(void) { return 0; }
C
for m in evil files ssh2; do
	"$CC" -shared -fPIC -o "$AMOD/sshhostkeys_$m.so" "$TMPROOT/evil.c"
done
# A libcrypto on LD_LIBRARY_PATH: libsshhostkeys dlopens libcrypto by its
# soname when a digest is first needed (a fingerprint, below).
SONAME=$(sed -n 's/^#define SHK_LIBCRYPTO_SONAME "\(.*\)"$/\1/p' "$top_builddir/config.h")
CMARK=$A/out/libcrypto-was-planted
mkdir -p "$A/lib"
sed "s|$MARK|$CMARK|" "$TMPROOT/evil.c" >"$TMPROOT/evilcrypto.c"
"$CC" -shared -fPIC -o "$A/lib/$SONAME" "$TMPROOT/evilcrypto.c"
# The scan helper "sshhostkeys scan" would exec from SSHHOSTKEYS_LIBEXEC_DIR.
HMARK=$A/out/helper-was-run
printf '#!/bin/sh\n: >"%s"\n' "$HMARK" >"$A/libexec/sshhostkeys-scan"
chmod 0755 "$A/libexec/sshhostkeys-scan"
chown -R "$NOBODY:$NOGROUP" "$A" "$AMOD"
chmod -R go-w "$A" "$AMOD"

# nobody, with every override pointing at the attacker's files.
envrun() {
	env -i PATH=/usr/bin:/bin HOME="$A/home" SSHHOSTKEYS_ROOT="$A/root" \
		SSHHOSTKEYS_MODULE_DIR="${MODDIR:-$AMOD}" \
		SSHHOSTKEYS_LIBEXEC_DIR="$A/libexec" setpriv --reuid="$NOBODY" \
		--regid="$NOGROUP" --clear-groups "$@"
}

# Control: without the setuid bit every override is honoured.
out=$(envrun "$D/sshhostkeys-plain" sources 2>&1 || true)
check "control: SSHHOSTKEYS_ROOT is read" grep -qF "$A/root/etc/nsswitch.conf" <<<"$out"
check "control: the planted module is loaded" test -e "$MARK"
rm -f "$MARK"
envrun "$D/sshhostkeys-plain" scan -n 127.0.0.1 >/dev/null 2>&1 || true
check "control: SSHHOSTKEYS_LIBEXEC_DIR gives the planted scan helper" test -e "$HMARK"
rm -f "$HMARK"
envrun env LD_LIBRARY_PATH="$A/lib" "$D/sshhostkeys-plain" fingerprint "$TMPROOT/evil.pub" \
	>/dev/null 2>&1 || true
check "control: LD_LIBRARY_PATH gives the planted $SONAME" test -e "$CMARK"
rm -f "$CMARK"
# ... and with the real modules, the planted stores are read.
out=$(MODDIR=$SSHHOSTKEYS_MODULE_DIR envrun "$D/sshhostkeys-plain" -v lookup evil.example \
	2>/dev/null || true)
check "control: SSHHOSTKEYS_ROOT gives the planted key" \
	grep -qF "# source files: $A/root/etc/ssh/ssh_known_hosts:1" <<<"$out"
check "control: HOME gives the planted key" \
	grep -qF "# source files: $A/home/.ssh/known_hosts:1" <<<"$out"
rm -f "$MARK"

# Setuid: the same environment is ignored.
out=$(envrun "$D/sshhostkeys" sources 2>&1 || true)
check "setuid: SSHHOSTKEYS_ROOT ignored" eval '! grep -qF "$A" <<<"$out"'
check "setuid: no planted source" eval '! grep -qw evil <<<"$out"'
check "setuid: the planted module is not loaded" test ! -e "$MARK"
rc=0
out=$(envrun "$D/sshhostkeys" lookup evil.example 2>&1) || rc=$?
check "setuid: no planted key (HOME, root)" eval '! grep -qF "ssh-ed25519" <<<"$out"'
check "setuid: the lookup reports not found" test "$rc" -eq 1
check "setuid: the planted module is still not loaded" test ! -e "$MARK"
expect_rc 2 "setuid: --root refused" envrun "$D/sshhostkeys" --root "$A/root" lookup evil.example
err=$(envrun "$D/sshhostkeys" --root "$A/root" sources 2>&1 || true)
check "setuid: --root refusal says why" grep -qF -- "--root is not allowed" <<<"$err"
check "setuid: still no marker" test ! -e "$MARK"
# scan execs the built-in helper path, never one the caller names (port 1:
# an installed helper fails at once; none installed is "cannot run").
out=$(envrun "$D/sshhostkeys" scan -n -T 1 "127.0.0.1#1" 2>&1 || true)
check "setuid: SSHHOSTKEYS_LIBEXEC_DIR ignored, the planted helper not run" \
	test ! -e "$HMARK"
check "setuid: scan names no planted path" eval '! grep -qF "$A" <<<"$out"'
out=$(envrun env LD_LIBRARY_PATH="$A/lib" "$D/sshhostkeys" fingerprint "$TMPROOT/evil.pub" 2>&1 || true)
check "setuid: the planted $SONAME is not loaded" test ! -e "$CMARK"
check "setuid: the real one computes the fingerprint" \
	grep -qF "$(ssh-keygen -l -f "$TMPROOT/evil.pub" | cut -d' ' -f2)" <<<"$out"

# Write paths: another user (nobody) may write to a parent directory and
# plants symlinks there; a write by root must refuse them, never follow.
V=$TMPROOT/victim
mkdir -p "$V/home/.ssh2" "$V/home/.ssh" "$V/target"
R2=$TMPROOT/vroot
mkdir -p "$R2/etc"
echo "ssh_hostkeys: files ssh2" >"$R2/etc/nsswitch.conf"
chmod 1777 "$V/home/.ssh2"
setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	ln -s "$V/target" "$V/home/.ssh2/hostkeys"
vcli() { HOME=$V/home SSHHOSTKEYS_MODULE_DIR=$SSHHOSTKEYS_MODULE_DIR "$SHK_CLI" --root "$R2" "$@"; }
err=$(vcli add h1.example "$TMPROOT/evil.pub" 2>&1 >/dev/null || true)
check "write: planted directory symlink refused" grep -qF "symbolic link" <<<"$err"
check "write: nothing written through it" test -z "$(ls -A "$V/target")"
# A planted symlink for a key file inside a real store directory.
rm "$V/home/.ssh2/hostkeys"
mkdir -m 0700 "$V/home/.ssh2/hostkeys"
chmod 0777 "$V/home/.ssh2/hostkeys"
echo "keep" >"$V/target/file"
setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	ln -s "$V/target/file" "$V/home/.ssh2/hostkeys/key_22_h2.example.pub"
rc=0
vcli add --format plain h2.example "$TMPROOT/evil.pub" >/dev/null 2>&1 || rc=$?
check "write: planted file symlink refused" test "$rc" -ne 0
check "write: the symlink target is untouched" test "$(cat "$V/target/file")" = keep
# ~/.ssh/known_hosts planted as a symlink by another user: remove refuses.
chmod 1777 "$V/home/.ssh"
echo "h3.example $(cut -d' ' -f1,2 "$TMPROOT/evil.pub")" >"$V/target/kh"
setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
	ln -s "$V/target/kh" "$V/home/.ssh/known_hosts"
before=$(cat "$V/target/kh")
vcli remove h3.example >/dev/null 2>&1 || true
check "write: remove does not rewrite through a planted symlink" \
	test "$(cat "$V/target/kh")" = "$before"
check "write: no .old beside the symlink target" test ! -e "$V/target/kh.old"
t_done
