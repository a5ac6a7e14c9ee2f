#!/bin/bash
# SPDX-License-Identifier: MIT
# The known_hosts index cache end to end, through the CLI: an index is
# written for a large enough file, answers exactly like a scan, and a
# stale, corrupt or untrusted index falls back to scanning with the same
# answers. Then the files module suite and the ssh-keygen parity test run
# again with every file indexed (SSHHOSTKEYS_KH_INDEX=force).
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v ssh-keygen >/dev/null 2>&1 || skip_all "ssh-keygen not installed"
[ -x "$SHK_CLI" ] || skip_all "CLI not built"

umask 022
ROOT=$TMPROOT/root
KH=$ROOT/etc/ssh/ssh_known_hosts
CACHE=$ROOT/var/cache/sshhostkeys
mkdir -p "$ROOT/etc/ssh" "$ROOT/home" "$ROOT/var/cache" "$TMPROOT/keys"
echo "ssh_hostkeys: files" >"$ROOT/etc/nsswitch.conf"
: >"$ROOT/etc/sshhostkeys.conf"
export HOME=$ROOT/home
unset XDG_CACHE_HOME
ssh-keygen -q -t ed25519 -N '' -C '' -f "$TMPROOT/keys/ed" </dev/null
ssh-keygen -q -t ecdsa -N '' -C '' -f "$TMPROOT/keys/ec" </dev/null
ED=$(cut -d' ' -f1,2 "$TMPROOT/keys/ed.pub")
EC=$(cut -d' ' -f1,2 "$TMPROOT/keys/ec.pub")

{
	for i in $(seq 1 300); do echo "p$i.example,10.0.1.$((i % 250)) $ED"; done
	echo "*.wild.example,!no.wild.example $EC"
	echo "[p7.example]:2222 $EC"
} >"$TMPROOT/plain"
for i in $(seq 1 300); do echo "h$i.example $EC"; done >"$TMPROOT/hashed"
echo "[h9.example]:2200 $ED" >>"$TMPROOT/hashed"
ssh-keygen -q -H -f "$TMPROOT/hashed" >/dev/null 2>&1 || fail "ssh-keygen -H"
cat "$TMPROOT/plain" "$TMPROOT/hashed" >"$KH"
printf 'p5.example %s\n' "$EC" >>"$KH"

QUERIES="p1.example p5.example P300.EXAMPLE 10.0.1.7 x.wild.example no.wild.example
h1.example h150.example h300.example absent.example"

# Reference answers: a scan.
answers() {
	local q
	for q in $QUERIES; do
		echo "== $q"
		"$SHK_CLI" --root "$ROOT" lookup "$q" 2>/dev/null
		echo "rc $?"
	done
	for q in p7.example:2222 h9.example:2200 h9.example:2222 p8.example:2222; do
		echo "== $q"
		"$SHK_CLI" --root "$ROOT" lookup -p "${q#*:}" "${q%:*}" 2>/dev/null
		echo "rc $?"
	done
}
SSHHOSTKEYS_KH_INDEX=0 answers >"$TMPROOT/want"
check "reference has answers" grep -q "^h150.example ecdsa" "$TMPROOT/want"

# An index is only written for a file that has not changed for 2 s.
export SSHHOSTKEYS_KH_INDEX=force
touch -d "+1 hour" "$KH" # racy however long the reference took
"$SHK_CLI" --root "$ROOT" lookup p1.example >/dev/null 2>&1
check "racy file: no index written" test ! -e "$CACHE"
answers >"$TMPROOT/got"
check "racy file: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"
touch "$KH"
sleep 3
answers >"$TMPROOT/got"
check "index written" sh -c "ls '$CACHE'/kh-*.idx >/dev/null 2>&1"
IDX=$(ls "$CACHE"/kh-*.idx 2>/dev/null | head -1)
check "index mode 0644 for root, 0600 otherwise" test -n "$(find "$IDX" -perm -0400 ! -perm /0022)"
answers >"$TMPROOT/got"
check "indexed: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"

size=$(wc -c <"$IDX")
head -c 200 "$IDX" >"$IDX.t" && mv "$IDX.t" "$IDX"
answers >"$TMPROOT/got"
check "truncated index: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "truncated index: rewritten" test "$(wc -c <"$IDX")" = "$size"

cp "$IDX" "$TMPROOT/good.idx"
printf '\377' | dd of="$IDX" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
answers >"$TMPROOT/got"
check "flipped byte: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "flipped byte: index rebuilt" cmp -s "$TMPROOT/good.idx" "$IDX"

# The first record (line 1, p1.example) comes right after the header (112
# bytes) and the block sums (8 bytes each, their count at offset 92): a
# lookup of p1 reads that block, finds it corrupt, and rebuilds.
nblocks=$(od -An -t u4 -j 92 -N 4 "$IDX" | tr -d ' ')
printf '\377' | dd of="$IDX" bs=1 seek=$((112 + 8 * nblocks + 3)) conv=notrunc 2>/dev/null
"$SHK_CLI" --root "$ROOT" lookup p1.example >"$TMPROOT/p1" 2>&1
check "corrupt record: p1 found" grep -q "^p1.example" "$TMPROOT/p1"
check "corrupt record: index rebuilt" cmp -s "$TMPROOT/good.idx" "$IDX"

chmod 0666 "$IDX"
out=$("$SHK_CLI" -v --root "$ROOT" lookup p1.example 2>&1 >/dev/null)
answers >"$TMPROOT/got"
check "world-writable index: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "world-writable index: replaced" test -z "$(find "$IDX" -perm /0022)"

# The file changes: the index is stale and the new line is found.
sleep 1
printf 'new.example %s\n' "$ED" >>"$KH"
QUERIES="$QUERIES new.example"
SSHHOSTKEYS_KH_INDEX=0 answers >"$TMPROOT/want"
answers >"$TMPROOT/got"
check "stale index: same answers" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "stale index: new host found" grep -q "^new.example ssh-ed25519" "$TMPROOT/got"

# A file whose index would outgrow it (a 2 MiB line of one-letter names
# needs 12 MiB of names) is scanned: same answers, no index written, and
# a word at info level (-v), not a warning.
ROOT2=$TMPROOT/root2
KH2=$ROOT2/etc/ssh/ssh_known_hosts
mkdir -p "$ROOT2/etc/ssh" "$ROOT2/var/cache"
cp "$ROOT/etc/nsswitch.conf" "$ROOT/etc/sshhostkeys.conf" "$ROOT2/etc/"
{ yes a, | head -n $((1024 * 1024)) | tr -d '\n'; echo "goodhost $ED"; } >"$KH2"
printf 'other.example %s\n' "$EC" >>"$KH2"
sleep 3
for q in goodhost a other.example absent.example; do
	want=$(SSHHOSTKEYS_KH_INDEX=0 "$SHK_CLI" --root "$ROOT2" lookup "$q" 2>/dev/null; echo "rc $?")
	for mode in auto force; do
		got=$(SSHHOSTKEYS_KH_INDEX=$mode "$SHK_CLI" --root "$ROOT2" lookup "$q" 2>/dev/null; echo "rc $?")
		check "over the bound ($mode): $q as a scan answers" test "$got" = "$want"
	done
done
check "over the bound: goodhost found" sh -c "'$SHK_CLI' --root '$ROOT2' lookup goodhost | grep -q '^goodhost ssh-ed25519'"
check "over the bound: no index written" test -z "$(ls -A "$ROOT2/var/cache/sshhostkeys" 2>/dev/null)"
err=$("$SHK_CLI" -v --root "$ROOT2" lookup goodhost 2>&1 >/dev/null)
check "over the bound: said at info level" grep -qF "$KH2: not indexed: its index would exceed" <<<"$err"
err=$("$SHK_CLI" --root "$ROOT2" lookup goodhost 2>&1 >/dev/null)
check "over the bound: no warning" test -z "$err"

# Whole suites with every file indexed.
if [ -x "$top_builddir/tests/check_files_module" ]; then
	check "files module suite, indexed" sh -c "'$top_builddir/tests/check_files_module' >'$TMPROOT/fm.log' 2>&1"
fi
check "ssh-keygen parity, indexed" sh -c "bash '$top_srcdir/tests/parity-keygen.sh' >'$TMPROOT/parity.log' 2>&1"
[ "$T_FAIL" = 0 ] || cat "$TMPROOT/parity.log" "$TMPROOT/fm.log" 2>/dev/null | grep -v "^ok" | head -20
t_done
