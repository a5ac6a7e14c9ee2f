#!/bin/bash
# SPDX-License-Identifier: MIT
# The ssh2 directory summary end to end, through the CLI (docs/formats.md
# §2.5): a lookup for an absent host prints the same warning and notice
# with summaries off, on a racy directory (nothing written), when the
# summary is written, when it is read, and when it is untrusted or
# corrupt; a change to the directory is seen at once.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

[ -x "$SHK_CLI" ] || skip_all "CLI not built"
[ "$(id -u)" = 0 ] || skip_all "the system cache is written by root only"

umask 022
t_root ssh2
D=$R/etc/ssh2/hostkeys
CACHE=$R/var/cache/sshhostkeys
mkdir -p "$D" "$R/var/cache"
: >"$R/etc/sshhostkeys.conf"
unset XDG_CACHE_HOME SSHHOSTKEYS_SSH2_SUMMARY
for i in $(seq 1 80); do : >"$D/key_22_pad$i.example.pub"; done
# Our hashed files without a salt, and genuine Tectia files.
: >"$D/keys_0000000000000000000000000000000000000000000000000000000000000001"
: >"$D/keys_0000000000000000000000000000000000000000000000000000000000000002"
: >"$D/keys_0000000000000000000000000000000000000001"
: >"$D/keys_0000000000000000000000000000000000000002"

# What a user sees: -v shows the info notice; debug lines are not shown.
seen() { cli -v lookup absent.example 2>&1; echo "rc $?"; }
SSHHOSTKEYS_SSH2_SUMMARY=0 seen >"$TMPROOT/want"
check "reference warns" grep -q "missing while 2 hashed file(s) exist" "$TMPROOT/want"
check "reference notes the Tectia files" grep -q "holds 2 genuine Tectia" "$TMPROOT/want"
check "reference is NOTFOUND" grep -qx "rc 1" "$TMPROOT/want"

# Racy whatever the machine's load: a modification time in the future
# (the reference run above may take longer than the 2 s on a busy machine).
touch -d '+1 hour' "$D"
seen >"$TMPROOT/got"
check "racy directory: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "racy directory: no summary written" test ! -e "$CACHE"

touch "$D"
sleep 3
seen >"$TMPROOT/got"
check "settled: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"
SUM=$(ls "$CACHE"/ssh2-*.sum 2>/dev/null | head -1)
check "settled: summary written" test -n "$SUM"
check "summary: 96 bytes, mode 0644" test "$(stat -c '%s %a' "$SUM")" = "96 644"
seen >"$TMPROOT/got"
check "summary read: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "summary read: no listing said" sh -c "! cli -vv lookup absent.example 2>&1 | grep -q 'summary not'"

chmod 0666 "$SUM"
seen >"$TMPROOT/got"
check "world-writable summary: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"
check "world-writable summary: replaced" test -z "$(find "$SUM" -perm /0022)"
chmod 0666 "$SUM"
check "world-writable summary: said at debug level" \
	sh -c "'$SHK_CLI' -vv --root '$R' lookup absent.example 2>&1 | grep -q 'summary not used: .*not a regular file owned by root'"

printf '\377' | dd of="$SUM" bs=1 seek=80 conv=notrunc 2>/dev/null
seen >"$TMPROOT/got"
check "corrupt summary: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"

# The directory changes: seen at once, whatever the summary says.
: >"$D/keys_0000000000000000000000000000000000000003"
SSHHOSTKEYS_SSH2_SUMMARY=0 seen >"$TMPROOT/want"
check "new Tectia file counted" grep -q "holds 3 genuine Tectia" "$TMPROOT/want"
seen >"$TMPROOT/got"
check "changed directory: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"
printf 0001020304050607080910111213141516171819202122232425262728293031 >"$D/salt"
SSHHOSTKEYS_SSH2_SUMMARY=0 seen >"$TMPROOT/want"
check "salt present: no warning" sh -c "! grep -q 'missing while' '$TMPROOT/want'"
seen >"$TMPROOT/got"
check "salt present: same messages" cmp -s "$TMPROOT/want" "$TMPROOT/got"

# check lists the directory itself, whatever a summary says.
SSHHOSTKEYS_SSH2_SUMMARY=0 cli check >"$TMPROOT/want" 2>&1
cli check >"$TMPROOT/got" 2>&1
check "check: same report" cmp -s "$TMPROOT/want" "$TMPROOT/got"
t_done
