#!/bin/bash
# SPDX-License-Identifier: MIT
# Privilege safety. The rule (include/sshhostkeys.h, docs/robustness.md):
# the CLI refuses to run set-ID; the library, loaded into a set-ID
# program, does everything on the filesystem as the real user.
#  1. Control: the CLI without the setuid bit, run by nobody, honours
#     SSHHOSTKEYS_ROOT, SSHHOSTKEYS_MODULE_DIR, SSHHOSTKEYS_LIBEXEC_DIR,
#     HOME and LD_LIBRARY_PATH pointing at nobody's files.
#  2. A setuid-root copy of the CLI, run by nobody, refuses every command
#     (exit 2, saying why) before it loads a module or opens a file: no
#     export --out over a root file, no add, remove or accept-new in the
#     system store, no root-owned file in nobody's home, no root-only file
#     read (key file arguments, import, a ~/.ssh/known_hosts symlink).
#  3. tests/setuid-lib.c, a setuid-root program calling the library, run
#     by nobody: root-only files are not read, the system store is not
#     written, the user store is written as nobody, no cache is written.
#  4. Write paths: symlinks planted by another user in a directory it may
#     write to are refused, never followed.
# 2 and 3 run in a private mount namespace with overlays over /etc and the
# module directory and a tmpfs over /var/cache: the unfixed code would
# write there, and the real ones must not change. Everything nobody runs
# is copied under $TMPROOT, and the modules onto a tmpfs on /mnt, so the
# script also passes in a checkout nobody can enter (a clone in a 0700
# home). Needs root (chown, setpriv); skipped
# otherwise.

# The whole script runs in a private mount namespace when it can, so its
# mounts vanish with it whatever happens.
if [ "$(id -u)" -eq 0 ] && [ -z "${SHK_SETUID_NS:-}" ] &&
	unshare -m --propagation private true 2>/dev/null; then
	SHK_SETUID_NS=1 exec unshare -m --propagation private "$BASH" "${BASH_SOURCE[0]}" "$@"
fi
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

[ "$(id -u)" -eq 0 ] || skip_all "needs root"
command -v setpriv >/dev/null || skip_all "no setpriv"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"
CC=${CC:-cc}
command -v "$CC" >/dev/null || skip_all "no C compiler"
NOBODY=$(id -u nobody 2>/dev/null) || skip_all "no user nobody"
NOGROUP=$(id -g nobody)
as_nobody() { setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups "$@"; }

# nobody runs only what is under $TMPROOT; $TMPDIR may be inside a tree
# it cannot enter, then /tmp is used.
if ! as_nobody test -x "$TMPROOT"; then
	rm -rf "$TMPROOT"
	TMPROOT=$(mktemp -d /tmp/shk-setuid.XXXXXX) || skip_all "no directory under /tmp"
	chmod 0755 "$TMPROOT"
	as_nobody test -x "$TMPROOT" ||
		skip_all "nobody can reach neither \$TMPDIR nor /tmp ($TMPROOT)"
fi

# The setuid bit must work where the copy lives (not a nosuid mount).
D=$TMPROOT/bin
mkdir -p "$D/lib"
cp "$(command -v id)" "$D/id" && chmod 4755 "$D/id"
as_nobody "$D/id" | grep -q 'euid=0' || skip_all "setuid bit has no effect in $TMPROOT"

b=$top_builddir
# make_var NAME: a variable of the build's Makefile.
make_var() {
	printf 'shk-print-var:\n\t@echo $(%s)\n' "$1" |
		env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s --no-print-directory -C "$b" \
			-f Makefile -f - shk-print-var 2>/dev/null
}
# The CLI, relinked with an absolute RPATH (the loader ignores
# LD_LIBRARY_PATH in setuid programs) next to a copy of the library.
cp -P "$b"/lib/.libs/libsshhostkeys.so* "$D/lib/"
# Module directories must pass the trust check up to "/" (lib/core/trust.h),
# so not below a world-writable /tmp, and be reachable by nobody: a tmpfs
# on /mnt in this mount namespace, else the build tree (then the rows that
# load them are skipped when nobody cannot reach it).
if [ -n "${SHK_SETUID_NS:-}" ] && mount -t tmpfs -o mode=0755 shk-mods /mnt 2>/dev/null; then
	MODBASE=/mnt
else
	MODBASE=$top_builddir/tests
fi
MODS=$(mktemp -d "$MODBASE/setuid-real.XXXXXX")
AMOD=$(mktemp -d "$MODBASE/setuid-modules.XXXXXX")
rm_mods() { rm -rf "$MODS" "$AMOD"; }
t_on_exit rm_mods
chmod 0755 "$MODS"
cp "$b"/module/.libs/sshhostkeys_*.so "$MODS/"
MODS_OK=
as_nobody test -r "$MODS/sshhostkeys_files.so" && MODS_OK=1
# mcheck: check, for a row that needs nobody to load the modules above.
mcheck() {
	if [ -n "$MODS_OK" ]; then
		check "$@"
	else
		echo "skip - $1: nobody cannot reach $MODBASE (a checkout it cannot enter, no mount namespace)"
	fi
}
# Its objects as the Makefile lists them: a glob would also take stale
# ones, such as a command that moved to the scan helper (which alone links
# libssh; the CLI does not).
objs=$(make_var tools_sshhostkeys_OBJECTS) && [ -n "$objs" ] ||
	skip_all "cannot list the CLI's objects"
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
# A set-ID program using the library.
# shellcheck disable=SC2086
"$CC" ${SHK_LINK_FLAGS:-} -I"$top_srcdir/include" -o "$D/setuid-lib" \
	"$top_srcdir/tests/setuid-lib.c" -L"$D/lib" -lsshhostkeys -Wl,-rpath,"$D/lib" ||
	skip_all "cannot build tests/setuid-lib.c"
chmod 4755 "$D/setuid-lib"
chmod -R go-w,a+rX "$D"

# What the attacker (nobody) controls.
A=$TMPROOT/attacker
mkdir -p "$A/root/etc/ssh" "$A/home/.ssh" "$A/libexec" "$A/out"
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

# 1. Control: without the setuid bit every override is honoured.
out=$(envrun "$D/sshhostkeys-plain" sources 2>&1 || true)
check "control: SSHHOSTKEYS_ROOT is read" grep -qF "$A/root/etc/nsswitch.conf" <<<"$out"
mcheck "control: the planted module is loaded" test -e "$MARK"
rm -f "$MARK"
envrun "$D/sshhostkeys-plain" scan -n 127.0.0.1 >/dev/null 2>&1 || true
check "control: SSHHOSTKEYS_LIBEXEC_DIR gives the planted scan helper" test -e "$HMARK"
rm -f "$HMARK"
envrun env LD_LIBRARY_PATH="$A/lib" "$D/sshhostkeys-plain" fingerprint "$TMPROOT/evil.pub" \
	>/dev/null 2>&1 || true
check "control: LD_LIBRARY_PATH gives the planted $SONAME" test -e "$CMARK"
rm -f "$CMARK"
# ... and with the real modules (copies nobody can reach), the planted
# stores are read.
out=$(MODDIR=$MODS envrun "$D/sshhostkeys-plain" -v lookup evil.example 2>/dev/null || true)
mcheck "control: SSHHOSTKEYS_ROOT gives the planted key" \
	grep -qF "# source files: $A/root/etc/ssh/ssh_known_hosts:1" <<<"$out"
mcheck "control: HOME gives the planted key" \
	grep -qF "# source files: $A/home/.ssh/known_hosts:1" <<<"$out"
rm -f "$MARK"

# The scene for 2 and 3: /etc and the module directory as overlays, and
# /var/cache a tmpfs, in this mount namespace. Whatever set-ID code writes
# to /etc lands in the overlay's upper directory, where it is seen. The
# root-only files and nobody's home (the password database's, as set-ID
# code takes it) go on that tmpfs: the trust check (lib/core/trust.h) ignores
# stores below a world-writable directory such as /tmp, and the rows must
# show that permissions, not that check, keep them unread. fresh_scene
# sets it up anew for each part, so the unfixed code's writes in one do
# not change what the next sees.
NSOK=
NS=$TMPROOT/ns
S=$TMPROOT/secret
NH=$TMPROOT/nobody-home
NSMOD=
NSGEN=0
# Before $TMPROOT is removed (the namespace would drop them anyway).
umount_ns() {
	umount /var/cache 2>/dev/null
	[ -z "$NSMOD" ] || umount "$NSMOD" 2>/dev/null
	while findmnt -n -o SOURCE /etc 2>/dev/null | grep -q shk-etc; do umount /etc || break; done
	umount "$NS" 2>/dev/null
	return 0
}
setup_ns() {
	local moddir a
	[ -n "${SHK_SETUID_NS:-}" ] || { echo "no private mount namespace"; return 1; }
	moddir=$(make_var moduledir) && [ -n "$moddir" ] || { echo "no moduledir"; return 1; }
	a=$moddir
	while [ ! -d "$a" ]; do a=$(dirname "$a"); done
	[ "$a" != / ] || { echo "no directory above $moddir to overlay"; return 1; }
	mkdir -p "$NS" && mount -t tmpfs -o mode=0755 shk-ns "$NS" &&
		mkdir "$NS/mod.u" "$NS/mod.w" &&
		mount -t overlay shk-mod -o "lowerdir=$a,upperdir=$NS/mod.u,workdir=$NS/mod.w" \
			"$a" && NSMOD=$a &&
		mount -t tmpfs -o mode=0755 shk-cache /var/cache || { echo "cannot mount"; return 1; }
	mkdir -p "$moddir" && cp "$MODS"/*.so "$moddir/" || return 1
	S=/var/cache/secret
	NH=/var/cache/nobody-home
}
# Root-only files an attacker would like read: a key and a known_hosts
# naming secret.example.
mkdir -p "$TMPROOT/secret-src"
ssh-keygen -q -t ed25519 -N '' -C secret -f "$TMPROOT/secret-src/key"
SECRET_B64=$(cut -d' ' -f2 "$TMPROOT/secret-src/key.pub")
SECRET_FP=$(ssh-keygen -l -f "$TMPROOT/secret-src/key.pub" | cut -d' ' -f2)
# A root file for export --out.
echo keep >"$TMPROOT/rootfile"
chmod 0644 "$TMPROOT/rootfile"
make_secrets() {
	rm -rf "$S" "$NH"
	mkdir -p "$S" "$NH/.ssh" &&
		cp "$TMPROOT/secret-src/key.pub" "$S/key.pub" &&
		echo "secret.example $(cut -d' ' -f1,2 "$S/key.pub")" >"$S/known_hosts" &&
		chmod 0600 "$S/key.pub" "$S/known_hosts" &&
		chown -R "$NOBODY:$NOGROUP" "$NH" &&
		as_nobody ln -s "$S/known_hosts" "$NH/.ssh/known_hosts"
}
# fresh_scene: a new /etc overlay with nobody's home moved to $NH,
# "ssh_hostkeys: files ssh2", a system known_hosts naming sys.example and
# no /etc/ssh2; new secrets and home; an empty cache.
fresh_scene() {
	local u
	while findmnt -n -o SOURCE /etc 2>/dev/null | grep -q shk-etc; do umount /etc || return 1; done
	NSGEN=$((NSGEN + 1))
	u=$NS/etc$NSGEN
	mkdir "$u.u" "$u.w" &&
		mount -t overlay shk-etc -o "lowerdir=/etc,upperdir=$u.u,workdir=$u.w" /etc ||
		return 1
	awk -F: -v OFS=: -v h="$NH" '$3 == n { $6 = h } 1' n="$NOBODY" /etc/passwd \
		>"$NS/passwd" && cat "$NS/passwd" >/etc/passwd || return 1
	{ grep -v '^ssh_hostkeys:' /etc/nsswitch.conf; echo "ssh_hostkeys: files ssh2"; } \
		>"$NS/nss" && cat "$NS/nss" >/etc/nsswitch.conf || return 1
	mkdir -p /etc/ssh || return 1
	# Big enough to be indexed (module/files: INDEX_MIN_SIZE), so a cache
	# would be written if set-ID code wrote caches.
	{
		echo "sys.example $(cut -d' ' -f1,2 "$TMPROOT/evil.pub")"
		awk -v k="$(cut -d' ' -f1,2 "$TMPROOT/evil.pub")" \
			'BEGIN { for (i = 0; i < 4000; i++) print "pad" i ".example " k }'
	} >/etc/ssh/ssh_known_hosts || return 1
	rm -rf /etc/ssh2 /var/cache/sshhostkeys
	make_secrets || return 1
	ETCU=$u.u
	(cd "$ETCU" && find . | sort) >"$u.before"
	ETCB=$u.before
}
# Nothing new under /etc since fresh_scene.
etc_unchanged() { (cd "$ETCU" && find . | sort) | cmp -s - "$ETCB"; }
t_on_exit umount_ns
if setup_ns >"$TMPROOT/ns.why" 2>&1 && fresh_scene >>"$TMPROOT/ns.why" 2>&1; then
	NSOK=1
else
	echo "skip - system store and library rows: $(tr '\n' ' ' <"$TMPROOT/ns.why")"
	make_secrets || fail "cannot make the secrets"
fi

# 2. The setuid CLI refuses every command.
# suid ARGS...: the setuid CLI, as nobody, in a clean environment.
suid() {
	env -i PATH=/usr/bin:/bin setpriv --reuid="$NOBODY" --regid="$NOGROUP" --clear-groups \
		"$D/sshhostkeys" "$@"
}
refuses() {
	local name=$1 rc=0 err
	shift
	err=$(envrun "$D/sshhostkeys" "$@" 2>&1 >"$TMPROOT/suid.out") || rc=$?
	check "setuid: $name: refused (exit 2, got $rc)" test "$rc" -eq 2
	check "setuid: $name: says why" grep -qF "refusing to run set-ID" <<<"$err"
	check "setuid: $name: no output" test ! -s "$TMPROOT/suid.out"
}
refuses "no command"
refuses "--help" --help
refuses "sources" sources
refuses "lookup" lookup evil.example
refuses "known-hosts" known-hosts evil.example
refuses "check" check
refuses "--root" --root "$A/root" lookup evil.example
refuses "scan" scan -n -T 1 "127.0.0.1#1"
refuses "fingerprint of a root-only key" fingerprint "$S/key.pub"
refuses "export --out over a root file" export --out "$TMPROOT/rootfile"
check "setuid: export --out: the root file is untouched" test "$(cat "$TMPROOT/rootfile")" = keep
check "setuid: the planted module is not loaded" test ! -e "$MARK"
check "setuid: the planted scan helper is not run" test ! -e "$HMARK"
out=$(envrun env LD_LIBRARY_PATH="$A/lib" "$D/sshhostkeys" fingerprint "$TMPROOT/evil.pub" 2>&1 || true)
check "setuid: the planted $SONAME is not loaded" test ! -e "$CMARK"
check "setuid: the fingerprint of a root-only key is not printed" \
	eval '! suid fingerprint "$S/key.pub" 2>&1 | grep -qF "$SECRET_FP"'
if [ -n "$NSOK" ]; then
	# The issue's attacks, each also refused: the stores are the real
	# (overlaid) ones, HOME nobody's from the password database.
	refuses "add to the system store" add --store system new.example "$TMPROOT/evil.pub"
	refuses "verify --policy accept-new --store system" verify --policy accept-new \
		--store system new2.example "$TMPROOT/evil.pub"
	refuses "remove from the system store" remove --store system sys.example
	suid add new3.example "$TMPROOT/evil.pub" >/dev/null 2>&1 || true
	suid add new4.example "$S/key.pub" >/dev/null 2>&1 || true
	suid import "$S/known_hosts" >/dev/null 2>&1 || true
	check "setuid: nothing written under /etc (no /etc/ssh2, no known_hosts.old)" etc_unchanged
	check "setuid: no root-owned file in nobody's home" \
		test -z "$(find "$NH" -user root 2>/dev/null)"
	check "setuid: no root-only key copied into nobody's home" \
		eval '! grep -rqF "$SECRET_B64" "$NH" 2>/dev/null'
	out=$(suid lookup secret.example 2>&1 || true)
	check "setuid: ~/.ssh/known_hosts linked to a root-only file is not read" \
		eval '! grep -qF "$SECRET_B64" <<<"$out"'
	out=$(suid export 2>&1 || true)
	check "setuid: export does not show the root-only file" \
		eval '! grep -qF "$SECRET_B64" <<<"$out"'
fi

# 3. A set-ID program using the library (tests/setuid-lib.c): one row per
# line it prints. SSHHOSTKEYS_ROOT must be ignored.
if [ -n "$NSOK" ] && fresh_scene; then
	# Settled files only are indexed to disk (lib/core/cachefile.h).
	sleep 2
	out=$(env -i PATH=/usr/bin:/bin SSHHOSTKEYS_ROOT="$A/root" setpriv --reuid="$NOBODY" \
		--regid="$NOGROUP" --clear-groups "$D/setuid-lib" "$S/key.pub" "$TMPROOT/evil.pub" \
		"$A/root" 2>"$TMPROOT/lib.err") || true
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "library: ${line#ok - }" ;;
		"FAIL - "*) fail "library: ${line#FAIL - }" ;;
		esac
	done <<<"$out"
	check "library: all its rows ran" test "$(grep -c '^\(ok\|FAIL\) - ' <<<"$out")" -eq 20
	check "library: nothing written under /etc" etc_unchanged
	sed 's/^/# /' "$TMPROOT/lib.err"
fi
# The same with file capabilities and equal ids (AT_SECURE, no setuid).
if command -v setcap >/dev/null && cp "$D/setuid-lib" "$D/caps-lib" && chmod 0755 "$D/caps-lib" &&
	setcap cap_dac_override+ep "$D/caps-lib" 2>/dev/null; then
	out=$(env -i PATH=/usr/bin:/bin setpriv --reuid="$NOBODY" --regid="$NOGROUP" \
		--clear-groups "$D/caps-lib" --caps "$S/key.pub" 2>"$TMPROOT/caps.err") || true
	while IFS= read -r line; do
		case $line in
		"ok - "*) pass "library: ${line#ok - }" ;;
		"FAIL - "*) fail "library: ${line#FAIL - }" ;;
		esac
	done <<<"$out"
	check "library: all its file-capability rows ran" \
		test "$(grep -c '^\(ok\|FAIL\) - ' <<<"$out")" -eq 3
	sed 's/^/# /' "$TMPROOT/caps.err"
	cp "$D/sshhostkeys-plain" "$D/caps-cli" && setcap cap_dac_override+ep "$D/caps-cli"
	rc=0
	err=$(env -i PATH=/usr/bin:/bin setpriv --reuid="$NOBODY" --regid="$NOGROUP" \
		--clear-groups "$D/caps-cli" fingerprint "$S/key.pub" 2>&1) || rc=$?
	check "file capabilities: the CLI refuses (exit 2, got $rc)" test "$rc" -eq 2
	check "file capabilities: the CLI says why" grep -qF "refusing to run set-ID" <<<"$err"
else
	echo "skip - file capabilities: no setcap, or not supported here"
fi

# 4. Write paths: another user (nobody) may write to a parent directory and
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
