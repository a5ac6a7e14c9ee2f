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

# As users meet it (SSHHOSTKEYS_KH_INDEX unset): a file that changed a
# moment ago is scanned at first sight, not indexed in memory for one
# lookup; and an ordinary user, who may not write the system cache, keeps
# an index of a settled system file in its own cache, which gives the
# same answers and is not trusted when it is corrupt.
ROOT3=$TMPROOT/root3
KH3=$ROOT3/etc/ssh/ssh_known_hosts
mkdir -p "$ROOT3/etc/ssh" "$ROOT3/var/cache"
cp "$ROOT/etc/nsswitch.conf" "$ROOT/etc/sshhostkeys.conf" "$ROOT3/etc/"
for i in $(seq 1 3000); do echo "u$i.example,10.2.$((i / 250)).$((i % 250)) $ED"; done >"$KH3"
echo "@revoked u77.example $ED" >>"$KH3"
big=$(stat -c %s "$KH3")
check "user-index store is above the index threshold ($big bytes)" test "$big" -gt 262144
err=$(env -u SSHHOSTKEYS_KH_INDEX "$SHK_CLI" -vv --root "$ROOT3" lookup u5.example 2>&1 >/dev/null)
check "first sight: scanned, not indexed for one lookup" \
	grep -qF "$KH3: scanned, not indexed: an index of this version could not be kept (changed less than 2 s ago)" <<<"$err"
sleep 3 # settled: mtime and ctime 2 s old
NRU=nobody
if [ "$(id -u)" -eq 0 ] && id "$NRU" >/dev/null 2>&1 && command -v setpriv >/dev/null &&
	setpriv --reuid="$NRU" --regid="$(id -g "$NRU")" --clear-groups test -x "$SHK_CLI" 2>/dev/null &&
	setpriv --reuid="$NRU" --regid="$(id -g "$NRU")" --clear-groups \
		test -r "$SSHHOSTKEYS_MODULE_DIR/sshhostkeys_files.so" 2>/dev/null; then
	NRHOME=$TMPROOT/nrhome
	mkdir -p "$NRHOME" && chown "$NRU" "$NRHOME"
	as_user() {
		setpriv --reuid="$NRU" --regid="$(id -g "$NRU")" --clear-groups \
			env -u SSHHOSTKEYS_KH_INDEX -u XDG_CACHE_HOME HOME="$NRHOME" "$SHK_CLI" --root "$ROOT3" "$@"
	}
	uanswers() {
		local q
		for q in u1.example u77.example u2999.example 10.2.3.4 absent.example; do
			echo "== $q"
			"$@" lookup "$q" 2>/dev/null
			echo "rc $?"
		done
	}
	SSHHOSTKEYS_KH_INDEX=0 uanswers "$SHK_CLI" --root "$ROOT3" >"$TMPROOT/uwant"
	check "reference: the revoked host is answered as revoked" \
		grep -q "^@revoked u77.example" "$TMPROOT/uwant"
	uanswers as_user >"$TMPROOT/ugot"
	check "$NRU: same answers as a scan" cmp -s "$TMPROOT/uwant" "$TMPROOT/ugot"
	uidx=$(ls "$NRHOME/.cache/sshhostkeys/" 2>/dev/null | grep '^kh-.*\.idx$' | head -1)
	check "$NRU: an index of the system file in its own cache" test -n "$uidx"
	check "... owned by $NRU, mode 0600" \
		test "$(stat -c '%U %a' "$NRHOME/.cache/sshhostkeys/$uidx" 2>/dev/null)" = "$NRU 600"
	check "... and none in the system cache" test -z "$(ls -A "$ROOT3/var/cache/sshhostkeys" 2>/dev/null)"
	ino=$(stat -c %i "$NRHOME/.cache/sshhostkeys/$uidx" 2>/dev/null)
	as_user lookup u5.example >/dev/null 2>&1
	check "$NRU: the next lookup reads it (not rebuilt: same inode)" \
		test "$(stat -c %i "$NRHOME/.cache/sshhostkeys/$uidx" 2>/dev/null)" = "$ino"
	uanswers as_user >"$TMPROOT/ugot"
	check "$NRU, with its index: same answers" cmp -s "$TMPROOT/uwant" "$TMPROOT/ugot"
	# A corrupt index of its own: not used, same answers.
	printf 'garbage' | dd of="$NRHOME/.cache/sshhostkeys/$uidx" bs=1 seek=4096 conv=notrunc 2>/dev/null
	uanswers as_user >"$TMPROOT/ugot"
	check "$NRU, corrupt own index: same answers" cmp -s "$TMPROOT/uwant" "$TMPROOT/ugot"
	# Another user's index planted in its cache is not used.
	chown root "$NRHOME/.cache/sshhostkeys/$uidx" 2>/dev/null
	chmod 0666 "$NRHOME/.cache/sshhostkeys/$uidx"
	uanswers as_user >"$TMPROOT/ugot"
	check "$NRU, a world-writable index in its cache: same answers" cmp -s "$TMPROOT/uwant" "$TMPROOT/ugot"
else
	echo "# skipping the ordinary user's index: needs root, setpriv, user $NRU, and a build tree $NRU can read"
fi

# Whole suites with every file indexed.
if [ -x "$top_builddir/tests/check_files_module" ]; then
	check "files module suite, indexed" sh -c "'$top_builddir/tests/check_files_module' >'$TMPROOT/fm.log' 2>&1"
fi
check "ssh-keygen parity, indexed" sh -c "bash '$top_srcdir/tests/parity-keygen.sh' >'$TMPROOT/parity.log' 2>&1"
[ "$T_FAIL" = 0 ] || cat "$TMPROOT/parity.log" "$TMPROOT/fm.log" 2>/dev/null | grep -v "^ok" | head -20
t_done
