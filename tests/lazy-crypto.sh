#!/bin/bash
# SPDX-License-Identifier: MIT
# libcrypto is loaded on first use (lib/core/crypto.c), never linked: no
# binary or module we build has it as NEEDED, each one that can load it
# says so in a .note.dlopen note, a plain known_hosts or ssh2 lookup
# (ECDSA, RSA and Ed25519 keys checked) runs without it, and hashed
# lines, hashed ssh2 names and fingerprints load it and answer as
# OpenSSH does. ld.so's LD_DEBUG=files names every object it loads.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

[ -x "$SHK_CLI" ] || skip_all "CLI not built"
command -v ssh-keygen >/dev/null || skip_all "ssh-keygen not installed"

soname=$(sed -n 's/^#define SHK_LIBCRYPTO_SONAME "\(.*\)"$/\1/p' "$top_builddir/config.h")
check "configure recorded a libcrypto soname ($soname)" test -n "$soname"

bins=""
for f in "$top_builddir/tools/.libs/sshhostkeys" "$top_builddir/lib/.libs/libsshhostkeys.so" \
	"$top_builddir"/module/.libs/sshhostkeys_*.so; do
	[ -f "$f" ] && bins="$bins $f"
done
if command -v readelf >/dev/null && [ -n "$bins" ]; then
	for f in $bins; do
		b=${f##*/}
		readelf -d "$f" | grep NEEDED >"$TMPROOT/needed" || true
		check "$b: libcrypto is not NEEDED" eval '! grep -q libcrypto "$TMPROOT/needed"'
	done
	for f in "$top_builddir/lib/.libs/libsshhostkeys.so" "$top_builddir"/module/.libs/sshhostkeys_*.so; do
		b=${f##*/}
		readelf -p .note.dlopen "$f" >"$TMPROOT/note" 2>/dev/null || true
		check "$b: .note.dlopen names $soname" grep -qF "\"soname\":[\"$soname\"]" "$TMPROOT/note"
		readelf -n "$f" >"$TMPROOT/notes" 2>/dev/null || true
		check "$b: the note is FDO's type 0x407c0c0a" grep -Eq 'FDO .*0x407c0c0a' "$TMPROOT/notes"
	done
else
	echo "skip - no readelf or no shared build: NEEDED entries and notes not checked"
fi

t_root files
mkdir -p "$R/etc/ssh"
: >"$R/etc/sshhostkeys.conf"
for t in ecdsa rsa ed25519; do
	ssh-keygen -q -t "$t" -N '' -C '' -f "$K/$t" </dev/null
done
kh=$R/etc/ssh/ssh_known_hosts
for t in ecdsa rsa ed25519; do echo "plain.example $(pub "$t")"; done >"$kh"
echo "other.example $(pub ed25519)" >>"$kh"

# loads CMD...: LD_DEBUG's list of what CMD loaded goes to $TMPROOT/ld, its
# stdout to $TMPROOT/out; the exit status is CMD's.
loads() {
	local rc=0
	LD_DEBUG=files LD_DEBUG_OUTPUT=$TMPROOT/ld "$@" >"$TMPROOT/out" 2>"$TMPROOT/err" || rc=$?
	cat "$TMPROOT"/ld.* >"$TMPROOT/ld" 2>/dev/null
	rm -f "$TMPROOT"/ld.*
	return "$rc"
}
loaded() { grep -q "file=[^ ]*$soname" "$TMPROOT/ld"; }
saw_module() { grep -q 'file=[^ ]*sshhostkeys_files\.so' "$TMPROOT/ld"; }

expect_rc 0 "plain lookup: found" loads cli lookup plain.example
check "plain lookup: the three keys" test "$(wc -l <"$TMPROOT/out")" -eq 3
check "plain lookup: LD_DEBUG saw the module load (the probe works)" saw_module
check "plain lookup: libcrypto not loaded" eval '! loaded'
expect_rc 1 "plain lookup of an absent host: not found" loads cli lookup absent.example
check "absent host: libcrypto not loaded" eval '! loaded'

# A bad EC point is still refused without libcrypto, as ssh-keygen does.
bad=$(pub ecdsa | awk '{ k = $2; c = substr(k, 60, 1); r = (c == "A") ? "B" : "A";
	print $1, substr(k, 1, 59) r substr(k, 61) }')
echo "badpoint.example $bad" >>"$kh"
expect_rc 1 "a corrupted EC point is not an answer" loads cli lookup badpoint.example
check "corrupted EC point: reported" grep -q "ssh_known_hosts:5: " "$TMPROOT/err"
check "corrupted EC point: libcrypto not loaded" eval '! loaded'
check "ssh-keygen refuses the same line" eval '! ssh-keygen -l -f /dev/stdin <<<"$bad" >/dev/null 2>&1'
sed -i '$d' "$kh"

# Hashed lines need HMAC-SHA1: libcrypto is loaded, and the answer is
# ssh-keygen -F's.
cp "$kh" "$TMPROOT/plain"
ssh-keygen -q -H -f "$kh" >/dev/null 2>&1
rm -f "$kh.old"
expect_rc 0 "hashed lookup: found" loads cli lookup plain.example
check "hashed lookup: the three keys" test "$(wc -l <"$TMPROOT/out")" -eq 3
check "hashed lookup: libcrypto loaded" loaded
ssh-keygen -F plain.example -f "$kh" | grep -v '^#' | cut -d' ' -f2,3 | sort >"$TMPROOT/want"
cut -d' ' -f2,3 "$TMPROOT/out" | sort >"$TMPROOT/got"
check "hashed lookup: the keys ssh-keygen -F finds" cmp -s "$TMPROOT/want" "$TMPROOT/got"

# Without libcrypto: every file ldconfig knows for the soname hidden by a
# bind mount of /dev/null, in a private mount namespace (root only).
# Hashed lines cannot be checked, so there is no answer (the lookup says
# why); plain lines need no digest and still answer.
libs=$(ldconfig -p 2>/dev/null | sed -n "s/^[[:space:]]*$soname (.*) => //p")
if [ "$(id -u)" = 0 ] && [ -n "$libs" ] && unshare -m --propagation private true 2>/dev/null; then
	hidden() {
		unshare -m --propagation private sh -c '
			for l in $1; do mount --bind /dev/null "$(readlink -f "$l")" || exit 99; done
			shift; exec "$@"' sh "$libs" "$@"
	}
	rc=0
	hidden "$SHK_CLI" --root "$R" lookup plain.example >"$TMPROOT/out" 2>"$TMPROOT/err" || rc=$?
	check "no libcrypto, hashed file: not an answer (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 99
	check "no libcrypto, hashed file: nothing printed" test ! -s "$TMPROOT/out"
	check "no libcrypto, hashed file: says why" \
		grep -q "ssh_known_hosts:1: hashed entries cannot be checked: cannot load $soname" "$TMPROOT/err"
	rc=0
	hidden "$SHK_CLI" fingerprint "$K/ecdsa.pub" >"$TMPROOT/out" 2>"$TMPROOT/err" || rc=$?
	check "no libcrypto: fingerprint fails (exit $rc)" test "$rc" -ne 0 -a "$rc" -ne 99
	check "no libcrypto: fingerprint says why" grep -q "cannot fingerprint the key: cannot load $soname" "$TMPROOT/err"
	cp "$kh" "$TMPROOT/hashed"
	cp "$TMPROOT/plain" "$kh"
	rc=0
	hidden "$SHK_CLI" --root "$R" lookup plain.example >"$TMPROOT/out" 2>"$TMPROOT/err" || rc=$?
	check "no libcrypto, plain file: found (exit $rc)" test "$rc" -eq 0
	check "no libcrypto, plain file: the three keys" test "$(wc -l <"$TMPROOT/out")" -eq 3
	cp "$TMPROOT/hashed" "$kh"
else
	echo "skip - not root, or no mount namespace: lookups without libcrypto not run"
fi

# Fingerprints: SHA256 and MD5 as ssh-keygen -l prints them.
expect_rc 0 "fingerprint: exit 0" loads "$SHK_CLI" fingerprint "$K/ecdsa.pub"
check "fingerprint: libcrypto loaded" loaded
fp=$(ssh-keygen -l -f "$K/ecdsa.pub" | cut -d' ' -f2)
check "fingerprint: ssh-keygen's SHA256" grep -qF "$fp" "$TMPROOT/out"

# ssh2: a plain directory needs no digest; a salt means hashed names.
t_root ssh2
D=$R/etc/ssh2/hostkeys
mkdir -p "$D"
: >"$R/etc/sshhostkeys.conf"
cp "$K/ecdsa.pub" "$D/key_22_plain.example.pub"
expect_rc 0 "ssh2 plain lookup: found" loads cli lookup plain.example
check "ssh2 plain lookup: libcrypto not loaded" eval '! loaded'
printf 0001020304050607080910111213141516171819202122232425262728293031 >"$D/salt"
expect_rc 0 "ssh2 lookup with a salt: found" loads cli lookup plain.example
check "ssh2 lookup with a salt: libcrypto loaded (hashed names)" loaded

t_done
