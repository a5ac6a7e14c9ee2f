#!/bin/bash
# SPDX-License-Identifier: MIT
# Host names someone else chose (issue 10, item 4): shown escaped and cut,
# refused up front when too long or not expressible in known_hosts, and
# a refused or failed remove leaves every file as it was.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$R$SYSCONF" "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C ka -f "$K/ka"
ssh-keygen -q -t ed25519 -N '' -C kb -f "$K/kb"
UD=$HOME/.ssh2/hostkeys
KH=$HOME/.ssh/known_hosts
OUT=$TMPROOT/out
ESC=$(printf '\033')

# run NAME CMD...: CMD's stdout and stderr together in $OUT.
run() { shift; "$@" >"$OUT" 2>&1 || true; }
# clean NAME [cut]: $OUT holds no ESC byte and no line forged by the
# name, and (unless cut) the whole name escaped.
clean() {
	check "$1: no ESC byte reaches the terminal" sh -c "! grep -q '$ESC' '$OUT'"
	check "$1: no forged sshhostkeys: line" sh -c "! grep -q '^sshhostkeys: FAKE' '$OUT'"
	[ $# -gt 1 ] ||
		check "$1: the name is shown escaped" grep -qF 'a\x1b[31mred\x0asshhostkeys: FAKE' "$OUT"
}

# ---- the escape / forged-line attack -------------------------------------
evil=$'a\e[31mred\nsshhostkeys: FAKE'
run add cli add "$evil" "$K/ka.pub"; clean add
run remove cli remove "$evil"; clean remove
run lookup cli lookup "$evil"; clean lookup
run known-hosts cli known-hosts "$evil"; clean known-hosts
run verify cli verify "$evil" "$K/ka.pub"; clean verify
run "verify --policy" cli verify --policy strict "$evil" "$K/ka.pub"; clean "verify --policy"
run "bad port" cli lookup -p "$evil" x; clean "bad port"
run "key file" cli add good.example "$TMPROOT/$evil"; clean "key file" cut
run "key word" cli add good.example "$evil"; clean "key word" cut
run "scan host" cli scan -n "$evil"; clean "scan host"
expect_rc 0 "known-hosts still exits 0 for such a name" cli known-hosts "$evil"

# ---- a 64 KiB name is cut ----------------------------------------------
huge=$(head -c 65536 /dev/zero | tr '\0' a)
run "64 KiB" cli add "$huge" "$K/ka.pub"
check "64 KiB name: the messages stay short" test "$(wc -c <"$OUT")" -lt 4096
check "64 KiB name: the cut is marked" grep -qF 'aaa...' "$OUT"
check "64 KiB name: the reason is there" grep -qF 'longer than 241 bytes' "$OUT"

# ---- one length limit, refused up front -----------------------------------
n241=$(head -c 241 /dev/zero | tr '\0' b)
n250=$(head -c 250 /dev/zero | tr '\0' c)
echo "keep.example $(cut -d' ' -f1,2 "$K/kb.pub")" >"$KH"
echo "$n250 $(cut -d' ' -f1,2 "$K/ka.pub")" >>"$KH"
before=$(sha256sum <"$KH")
for fmt in plain hashed; do
	run "add 250 $fmt" cli add --format "$fmt" "$n250" "$K/ka.pub"
	check "add --format $fmt refuses a 250-byte name up front" \
		grep -qF 'host name longer than 241 bytes' "$OUT"
	expect_rc 2 "add --format $fmt of a 250-byte name exits 2" \
		cli add --format "$fmt" "$n250" "$K/ka.pub"
done
run "lookup 250" cli lookup -p 65535 "$n250"
check "lookup refuses a 250-byte name with the reason" grep -qF 'longer than 241 bytes' "$OUT"
check "lookup never says File name too long" sh -c "! grep -q 'File name too long' '$OUT'"
expect_rc 2 "remove of a 250-byte name exits 2" cli remove "$n250"
run "remove 250" cli remove "$n250"
check "remove refuses a 250-byte name with the reason" grep -qF 'longer than 241 bytes' "$OUT"
check "remove left known_hosts untouched" test "$(sha256sum <"$KH")" = "$before"
check "remove wrote no known_hosts.old" test ! -e "$KH.old"
# The longest name works in both formats, on the largest port.
expect_rc 0 "add a 241-byte name, plain, port 65535" \
	cli add -p 65535 --format plain "$n241" "$K/ka.pub"
check "its plain file exists" test -f "$UD/key_65535_$n241.pub"
run "lookup 241" cli lookup -p 65535 "$n241"
check "lookup finds the 241-byte name" grep -qF "[$n241]:65535 $(cut -d' ' -f1,2 "$K/ka.pub")" "$OUT"
expect_rc 0 "add a 241-byte name, hashed" cli add --format hashed "$n241" "$K/ka.pub"
expect_rc 0 "remove the 241-byte name" cli remove -p 65535 "$n241"
expect_rc 0 "remove the 241-byte name, port 22" cli remove "$n241"
rm -f "$KH.old"

# ---- names known_hosts cannot express --------------------------------------
for bad in '!a' 'a*' 'a?' 'a,b' '|1|x' '@revoked' 'a=b' 'hé.example'; do
	run "add $bad" cli add "$bad" "$K/ka.pub"
	check "add refuses \"$bad\"" grep -qF 'in host name' "$OUT"
done
check "nothing was stored for them" test "$(find "$UD" -name 'key_*' | wc -l)" = 0
# A file made by hand under such a name is not exported as a negation.
cli add --format plain ok.example "$K/ka.pub" >/dev/null
cp "$UD/key_22_ok.example.pub" "$UD/key_22_!a.pub"
run export cli export
check "export writes no !a line" sh -c "! grep -q '^!a ' '$OUT'"
check "export says why it skipped the file" grep -qF 'key_22_!a.pub' "$OUT"
check "export still writes the good name" grep -q '^ok.example ' "$OUT"
rm -f "$UD/key_22_!a.pub"

# ---- remove is all-or-nothing ---------------------------------------------
# The host is in known_hosts and in the ssh2 store, but the ssh2 directory
# cannot be trusted (group-writable): nothing is changed, known_hosts
# included (it used to be rewritten, then remove exited 2).
echo "ok.example $(cut -d' ' -f1,2 "$K/kb.pub")" >>"$KH"
before=$(sha256sum <"$KH")
chmod g+w "$UD"
expect_rc 2 "remove with an untrusted ssh2 directory exits 2" cli remove ok.example
check "known_hosts untouched" test "$(sha256sum <"$KH")" = "$before"
check "no known_hosts.old" test ! -e "$KH.old"
check "the plain file is still there" test -f "$UD/key_22_ok.example.pub"
chmod g-w "$UD"
# A salt that cannot be read hides hashed files: refused as well.
cp "$UD/salt" "$TMPROOT/salt"
echo garbage >"$UD/salt"
expect_rc 2 "remove with a broken salt exits 2" cli remove ok.example
check "known_hosts untouched (salt)" test "$(sha256sum <"$KH")" = "$before"
check "the plain file is still there (salt)" test -f "$UD/key_22_ok.example.pub"
cp "$TMPROOT/salt" "$UD/salt"
# With every store in order, the same remove does everything.
out=$(cli remove ok.example)
check "remove then removes file and line together" test "$out" = "ok.example: 2 entries removed"
check "known_hosts lost the line" sh -c "! grep -q '^ok.example ' '$KH'"
check "the plain file is gone" test ! -e "$UD/key_22_ok.example.pub"

# ---- check names a key type with NUL bytes escaped ----------------------
b64=$(printf '\x00\x00\x00\x0essh-ed\x00\x00\x1b25519\x00\x00\x00\x20%032d' 0 | base64 -w0)
echo "nul.example ssh-ed25519 $b64" >"$R/etc/ssh/ssh_known_hosts"
run check cli check
check "check shows the NUL bytes of a key type" \
	grep -qF 'key blob is of type "ssh-ed\x00\x00\x1b25519"' "$OUT"
check "check: no ESC byte" sh -c "! grep -q '$ESC' '$OUT'"

t_done
