#!/bin/bash
# SPDX-License-Identifier: MIT
# The files that decide what is trusted get the stores' StrictModes check:
# sshhostkeys.conf and nsswitch.conf (owned by root or the caller, not
# writable by group or others, nor any directory up to the root prefix),
# and each module file and its directories up to "/". A planted or
# loosened one must not hide a revocation or run code: it is ignored (the
# documented defaults apply), and sources and check say "file: why".
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"
CC=${CC:-cc}

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$R/etc/ssh2/hostkeys" "$R$SYSCONF" "$HOME/.ssh"
for k in ka kc; do ssh-keygen -q -t ed25519 -N '' -C "$k" -f "$K/$k"; done
# The administrator revoked kc everywhere; the user once accepted it.
echo "@revoked * $(pub kc)" >"$R/etc/ssh/ssh_known_hosts"
echo "alpha.example.com $(pub kc)" >"$HOME/.ssh/known_hosts"
# The ssh2 store knows kc too (for the nsswitch.conf case below).
pub kc >"$R/etc/ssh2/hostkeys/key_22_alpha.example.com.pub"
: >"$TMPROOT/empty"
expect_rc 4 "revoked key: verify says revoked" cli verify alpha.example.com "$K/kc.pub"
expect_rc 0 "check is clean before" cli check

# --- sshhostkeys.conf
CONF=$R$SYSCONF/sshhostkeys.conf
echo "global_known_hosts = $TMPROOT/empty" >"$CONF"
chmod 0666 "$CONF"
err=$(cli verify alpha.example.com "$K/kc.pub" 2>&1 >/dev/null) || true
expect_rc 4 "world-writable sshhostkeys.conf: the revocation still applies" \
	cli verify alpha.example.com "$K/kc.pub"
check "world-writable sshhostkeys.conf: file: why" \
	grep -qF "$CONF: not trusted, not read (using the defaults): $CONF is writable by others" \
	<<<"$err"
check "world-writable sshhostkeys.conf: said once" test "$(grep -c "$CONF" <<<"$err")" -eq 1
err=$(cli check 2>&1 >/dev/null) || true
expect_rc 1 "world-writable sshhostkeys.conf: check fails" cli check
check "world-writable sshhostkeys.conf: check names it" \
	grep -qF "$CONF: not trusted" <<<"$err"
chmod 0664 "$CONF"
expect_rc 4 "group-writable sshhostkeys.conf: ignored too" cli verify alpha.example.com "$K/kc.pub"
chmod 0644 "$CONF"
# (The stores below that directory are then ignored too: see the reason only.)
chmod 0777 "$R$SYSCONF"
err=$(cli check 2>&1 >/dev/null) || true
check "sshhostkeys.conf in a world-writable directory: ignored, says why" \
	grep -qF "$CONF: not trusted, not read (using the defaults): $R$SYSCONF is writable by others" \
	<<<"$err"
chmod 0755 "$R$SYSCONF"
# Control: the same file, trusted, is honoured (so the above is the check).
expect_rc 0 "trusted sshhostkeys.conf is read (control)" cli verify alpha.example.com "$K/kc.pub"
rm "$CONF"

# --- nsswitch.conf: the attacker drops "files", where the revocation is.
NSS=$R/etc/nsswitch.conf
echo "ssh_hostkeys: ssh2" >"$NSS"
expect_rc 0 "trusted nsswitch.conf is read (control)" cli verify alpha.example.com "$K/kc.pub"
chmod 0666 "$NSS"
err=$(cli verify alpha.example.com "$K/kc.pub" 2>&1 >/dev/null) || true
expect_rc 4 "world-writable nsswitch.conf: the default order, revocation applies" \
	cli verify alpha.example.com "$K/kc.pub"
check "world-writable nsswitch.conf: file: why" \
	grep -qF "$NSS: not trusted, not read (using the default order \"files ssh2\"): $NSS is writable by others" \
	<<<"$err"
out=$(cli sources 2>/dev/null)
check "world-writable nsswitch.conf: sources shows the default order" \
	grep -qF "default order" <<<"$out"
err=$(cli check 2>&1 >/dev/null) || true
expect_rc 1 "world-writable nsswitch.conf: check fails" cli check
check "world-writable nsswitch.conf: check names it" grep -qF "$NSS: not trusted" <<<"$err"
echo "ssh_hostkeys: files ssh2" >"$NSS"
chmod 0644 "$NSS"
expect_rc 0 "check is clean again" cli check

# --- modules: a marker module (its constructor leaves a file) in a
# directory of its own per case. /tmp is world-writable, so a module
# directory below it is never trusted: the cases live in the build tree.
command -v "$CC" >/dev/null || { t_done; exit; }
MD=$(mktemp -d "$top_builddir/tests/trust-modules.XXXXXX") || {
	echo "# skipped: modules: cannot make a directory in $top_builddir/tests"
	t_done
	exit
}
rm_md() { rm -rf "$MD"; }
t_on_exit rm_md
chmod 0755 "$MD"
MARK=$TMPROOT/module-was-loaded
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
echo "ssh_hostkeys: evil" >"$NSS"
# mod_case NAME: $MD/NAME with a marker module in it, mode 0755.
mod_case() {
	mkdir -m 0755 "$MD/$1"
	"$CC" -shared -fPIC -o "$MD/$1/sshhostkeys_evil.so" "$TMPROOT/evil.c"
	chmod 0755 "$MD/$1/sshhostkeys_evil.so"
}
# not_loaded NAME WHY: the module in $MD/NAME is not loaded, and sources
# and check say "$MD/NAME/sshhostkeys_evil.so: ... WHY".
not_loaded() {
	local so=$MD/$1/sshhostkeys_evil.so out err
	rm -f "$MARK"
	out=$(SSHHOSTKEYS_MODULE_DIR=$MD/$1 cli sources 2>/dev/null) || true
	check "$1: not loaded by sources" test ! -e "$MARK"
	check "$1: sources says why" grep -qF "evil: $so: $2" <<<"$out"
	err=$(SSHHOSTKEYS_MODULE_DIR=$MD/$1 cli check 2>&1 >/dev/null) || true
	check "$1: not loaded by check" test ! -e "$MARK"
	check "$1: check says why" grep -qF "$so: $2" <<<"$err"
	expect_rc 1 "$1: check counts it" env SSHHOSTKEYS_MODULE_DIR="$MD/$1" \
		"$SHK_CLI" --root "$R" check
}
mod_case good
rm -f "$MARK"
SSHHOSTKEYS_MODULE_DIR=$MD/good cli sources >/dev/null 2>&1 || true
check "a trusted module is loaded (control)" test -e "$MARK"

mod_case mode0666
chmod 0666 "$MD/mode0666/sshhostkeys_evil.so"
not_loaded mode0666 "not trusted, not loaded: $MD/mode0666/sshhostkeys_evil.so is writable by others"
mod_case mode0775
chmod 0775 "$MD/mode0775/sshhostkeys_evil.so"
not_loaded mode0775 "not trusted, not loaded: $MD/mode0775/sshhostkeys_evil.so is writable by its group"
mod_case dir0777
chmod 0777 "$MD/dir0777"
not_loaded dir0777 "not trusted, not loaded: $MD/dir0777 is writable by others"
mkdir -m 0755 "$MD/symlink"
ln -s "$MD/good/sshhostkeys_evil.so" "$MD/symlink/sshhostkeys_evil.so"
not_loaded symlink "a symbolic link, not loaded"
if [ "$(id -u)" -eq 0 ] && NOBODY=$(id -u nobody 2>/dev/null); then
	mod_case nobody
	chown "$NOBODY" "$MD/nobody/sshhostkeys_evil.so"
	not_loaded nobody "not trusted, not loaded: $MD/nobody/sshhostkeys_evil.so is owned by uid $NOBODY" # the rest may be cut in a long build path
	mod_case nobodydir
	chown "$NOBODY" "$MD/nobodydir"
	not_loaded nobodydir "not trusted, not loaded: $MD/nobodydir is owned by uid $NOBODY"
else
	echo "# skipped: a module owned by another user (needs root to chown to nobody)"
fi
t_done
