#!/bin/bash
# SPDX-License-Identifier: MIT
# add, remove and import end to end on a temporary root, with
# ssh-keygen -R parity for known_hosts removal.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$R$SYSCONF"
for k in a b c d; do ssh-keygen -q -t ed25519 -N '' -C "k$k" -f "$K/k$k"; done
ssh-keygen -q -t ecdsa -N '' -C ke -f "$K/ke"
ssh-keygen -q -t rsa -b 2048 -N '' -C kr -f "$K/kr"
UD=$HOME/.ssh2/hostkeys
SD=$R/etc/ssh2/hostkeys
nfiles() { find "$1" -maxdepth 1 -name "$2" 2>/dev/null | wc -l; }

# ---- add ----
expect_rc 0 "add a key file" cli add alpha.example.com "$K/ka.pub"
check "user store created 0700" test "$(stat -c %a "$UD")" = 700
check "hashed by default" test "$(nfiles "$UD" 'keys_*')" = 1
check "salt is 0644" test "$(stat -c %a "$UD/salt")" = 644
check "key file is 0644" test "$(stat -c %a "$UD"/keys_*)" = 644
out=$(cli lookup alpha.example.com)
check "lookup finds the added key" grep -qxF "alpha.example.com $(pub ka)" <<<"$out"
expect_rc 1 "add of a key already there exits 1" cli add alpha.example.com "$K/ka.pub"
expect_rc 0 "add TYPE BASE64 as one argument" cli add alpha.example.com "$(pub ke)"
expect_rc 0 "add from stdin (a pipe)" sh -c "cat '$K/kr.pub' | '$SHK_CLI' --root '$R' add alpha.example.com -"
ssh-keygen -e -f "$K/kb.pub" > "$TMPROOT/kb.rfc"
expect_rc 0 "add an RFC 4716 file" cli add ALPHA.example.com "$TMPROOT/kb.rfc"
out=$(cli lookup alpha.example.com)
check "several types kept together" test "$(grep -c '^alpha.example.com ' <<<"$out")" = 4
check "still one file for the host" test "$(nfiles "$UD" 'keys_*')" = 1
cat "$K/kc.pub" "$K/kd.pub" > "$TMPROOT/two.pub"
out=$(cli add beta "$TMPROOT/two.pub" "$K/kc.pub")
check "add reads every key of a file, dedupes" test "$out" = "beta: 2 key(s) added, 1 already present"
expect_rc 0 "add -p" cli add -p 2222 alpha.example.com "$K/kc.pub"
out=$(cli lookup -p 2222 alpha.example.com)
check "lookup -p finds it" test "$out" = "[alpha.example.com]:2222 $(pub kc)"
expect_rc 0 "add --format plain" cli add --format plain gamma "$K/kd.pub"
check "plain file written" test -f "$UD/key_22_gamma.pub"
check "plain file is RFC 4716" grep -qx -- "---- BEGIN SSH2 PUBLIC KEY ----" "$UD/key_22_gamma.pub"
check "ssh-keygen -i reads it" test "$(ssh-keygen -i -f "$UD/key_22_gamma.pub")" = "$(pub kd)"
expect_rc 0 "add hashed converts the plain file" cli add --format hashed gamma "$K/ka.pub"
check "plain file removed" test ! -e "$UD/key_22_gamma.pub"
check "both keys after conversion" test "$(cli lookup gamma | wc -l)" = 2
expect_rc 0 "add --store system" cli add --store system --format plain delta "$K/ka.pub"
check "system store file" test -f "$SD/key_22_delta.pub"
check "system store 0755" test "$(stat -c %a "$SD")" = 755
expect_rc 0 "lookup finds the system key" cli lookup delta
echo "host_key_format = plain" > "$R$SYSCONF/sshhostkeys.conf"
expect_rc 0 "format from sshhostkeys.conf" cli add epsilon "$K/ka.pub"
check "conf plain honoured" test -f "$UD/key_22_epsilon.pub"
rm -f "$R$SYSCONF/sshhostkeys.conf"
expect_rc 2 "add refuses a path as host" cli add ../../etc "$K/ka.pub"
expect_rc 2 "add refuses a missing key file" cli add zeta "$TMPROOT/nothere.pub"
expect_rc 2 "add refuses a bad --store" cli add --store other zeta "$K/ka.pub"
expect_rc 2 "add needs a key" cli add zeta
check "no temporary file left" test ! -e "$UD/.sshhostkeys.tmp"
expect_rc 0 "check is clean (the lock file is no problem)" cli check

# ---- remove: ssh2 and parity with ssh-keygen -R ----
mkdir -p "$HOME/.ssh"
KH=$HOME/.ssh/known_hosts
{
	echo "# a comment"
	echo "alpha.example.com,10.0.0.1 $(pub ka)"
	echo "[alpha.example.com]:2222 $(pub kb)"
	echo "beta,10.0.0.2 $(pub kc) trailing comment"
	echo "@revoked alpha.example.com $(pub kd)"
	echo "@cert-authority *.example.com $(pub ke)"
	echo "*.example.com $(pub kr)"
	echo "!alpha.example.com,*.example.com $(pub kr)"
	echo ""
	echo "   indented.example.org $(pub ka)"
	echo "alpha.example.com $(pub kr)"
} > "$TMPROOT/kh.src"
# Some hashed lines too.
{
	echo "hashme $(pub ka)"
	echo "[hashme]:2200 $(pub kb)"
	echo "alpha.example.com $(pub kc)"
} > "$TMPROOT/kh.h"
ssh-keygen -q -H -f "$TMPROOT/kh.h" >/dev/null 2>&1
cat "$TMPROOT/kh.h" >> "$TMPROOT/kh.src"
parity() { # NAME [-p PORT] SPEC
	local n=$1 kname=$2
	shift 2
	cp "$TMPROOT/kh.src" "$KH"
	cp "$TMPROOT/kh.src" "$TMPROOT/ref"
	rm -f "$KH.old" "$TMPROOT/ref.old"
	ssh-keygen -R "$kname" -f "$TMPROOT/ref" >/dev/null 2>&1
	cli remove "$@" >/dev/null 2>&1
	check "remove $n: same file as ssh-keygen -R" cmp -s "$KH" "$TMPROOT/ref"
	if [ -e "$TMPROOT/ref.old" ]; then
		check "remove $n: same .old as ssh-keygen -R" cmp -s "$KH.old" "$TMPROOT/ref.old"
	else
		check "remove $n: no .old when nothing matched" test ! -e "$KH.old"
	fi
}
parity "plain multi-name" alpha.example.com alpha.example.com
parity "second name of a line" 10.0.0.2 10.0.0.2
parity "port" "[alpha.example.com]:2222" -p 2222 alpha.example.com
parity "hashed" hashme hashme
parity "hashed with port" "[hashme]:2200" "[hashme]:2200"
parity "pattern" other.example.com other.example.com
parity "indented" indented.example.org indented.example.org
parity "absent" nothere.example.net nothere.example.net

cp "$TMPROOT/kh.src" "$KH"
rm -f "$KH.old"
# Lines ssh-keygen -R refuses to touch are kept byte for byte by us.
printf 'not a valid line\r\nbeta %s\r\n' "$(pub ka)" >> "$KH"
printf 'alpha.example.com %s' "$(pub kb)" >> "$KH" # no final newline
cli add alpha.example.com "$K/ka.pub" >/dev/null
nh=$(nfiles "$UD" 'keys_*')
expect_rc 0 "remove from ssh2 and known_hosts" cli remove alpha.example.com
check "ssh2 file of the host is gone" test "$(nfiles "$UD" 'keys_*')" = $((nh - 1))
expect_rc 1 "remove again exits 1" cli remove alpha.example.com
check "invalid line kept with its CR" grep -qF $'not a valid line\r' "$KH"
check ".old holds the original" cmp -s "$KH.old" <(cat "$TMPROOT/kh.src"; printf 'not a valid line\r\nbeta %s\r\n' "$(pub ka)"; printf 'alpha.example.com %s' "$(pub kb)")
out=$(cli lookup alpha.example.com 2>/dev/null || true)
check "alpha.example.com gone (marker lines stay)" test "$(grep -vc '^@' <<<"$out")" = 0
check "the revocation stays" grep -qxF "@revoked alpha.example.com $(pub kd)" <<<"$out"
expect_rc 0 "remove a ssh2-only host" cli remove gamma
expect_rc 1 "gamma is unknown now" cli lookup gamma
expect_rc 0 "remove --store system" cli remove --store system delta
check "system file gone" test ! -e "$SD/key_22_delta.pub"
expect_rc 1 "remove --store user leaves system keys" cli remove --store user delta
ln -s "$TMPROOT/kh.src" "$HOME/.ssh/known_hosts2"
cp "$TMPROOT/kh.src" "$TMPROOT/kh.src.copy"
expect_rc 2 "remove refuses a symlinked known_hosts file" cli remove beta
check "the symlink's target is untouched" cmp -s "$TMPROOT/kh.src" "$TMPROOT/kh.src.copy"
rm -f "$HOME/.ssh/known_hosts2"

# ---- import ----
rm -rf "$HOME/.ssh2" "$HOME/.ssh"
IMP=$TMPROOT/scan.txt
{
	echo "# server1:22 SSH-2.0-OpenSSH_9.2"
	echo "server1.example.com $(pub ka)"
	echo "server1.example.com $(pub kr)"
	echo "server2.example.com,10.1.2.3 $(pub kb)"
	echo "[server3.example.com]:2222,[10.1.2.4]:2222 $(pub kc)"
	echo "*.wild.example.com $(pub kd)"
	echo "!bad.example.com,good.example.com $(pub kd)"
	echo "@cert-authority *.example.com $(pub ke)"
	echo "@revoked server1.example.com $(pub kd)"
	echo "broken line"
	echo "server4.example.com ssh-ed25519 AAAAnotbase64!!"
	echo "Server1.Example.COM $(pub ka)"
} > "$IMP"
echo "hashed.example.com $(pub ka)" > "$TMPROOT/h1"
ssh-keygen -q -H -f "$TMPROOT/h1" >/dev/null 2>&1
cat "$TMPROOT/h1" >> "$IMP"
out=$(cli import "$IMP" 2>"$TMPROOT/err")
rc=$?
check "import exits 0" test "$rc" = 0
check "import summary" test "$out" = "added 6, already present 1, skipped 7 (hashed 1, patterns 2, markers 2, invalid 2)" || echo "got: $out"
check "import: no progress line off a terminal" test ! -s "$TMPROOT/err"
out=$(cli import "$IMP" 2>/dev/null)
rc=$?
check "import again adds nothing, exits 1" test "$rc" = 1
check "import again: all present" test "$out" = "added 0, already present 7, skipped 7 (hashed 1, patterns 2, markers 2, invalid 2)"
check "import: both keys of a host in one file" test "$(cli lookup server1.example.com | wc -l)" = 2
expect_rc 0 "import: second name of a list" cli lookup 10.1.2.3
expect_rc 0 "import: [host]:port" cli lookup -p 2222 server3.example.com
expect_rc 0 "import: [ip]:port" cli lookup '[10.1.2.4]:2222'
expect_rc 1 "import: [host]:port not on 22" cli lookup server3.example.com
expect_rc 1 "import: pattern lines are not imported" cli lookup good.example.com
expect_rc 1 "import: hashed lines are not imported" cli lookup hashed.example.com
err=$(cli -v import "$IMP" 2>&1 >/dev/null)
check "import -v names skipped lines" grep -qF "$IMP:6: skipped" <<<"$err"
check "import -v names the marker line" grep -qF "$IMP:9: skipped" <<<"$err"
check "import -v names the hashed line" grep -qF "$IMP:13: skipped" <<<"$err"
check "import -v names the bad key" grep -qF "$IMP:11: skipped" <<<"$err"
expect_rc 0 "import --store system --format plain" cli import --store system --format plain "$IMP"
check "system plain files" test -f "$SD/key_2222_server3.example.com.pub"
expect_rc 2 "import of a missing file" cli import "$TMPROOT/nothere"
# One line of a million names, all "a" but the last: two hosts, each
# written once with its one key; a name repeated in a line adds nothing
# (before: a million entries, a million copies of the key for "a", and
# "already present 1048575"; the 64 MiB line took 2.3 GB and failed).
{ yes a, | head -n $((1024 * 1024)) | tr -d '\n'; echo "goodhost $(pub kc)"; } >"$TMPROOT/aline"
out=$(cli import --format plain - <"$TMPROOT/aline" 2>&1)
check "import of a million names from stdin" test "$out" = "added 2, already present 0, skipped 0 (hashed 0, patterns 0, markers 0, invalid 0)" || echo "got: $out"
check "import of a million names: the repeated name" test "$(cli lookup a)" = "a $(pub kc)"
check "import of a million names: the last name" test "$(cli lookup goodhost)" = "goodhost $(pub kc)"
# A terminal gets a progress line for a large file.
if command -v script >/dev/null 2>&1; then
	for i in $(seq 1 300); do echo "host$i.example.net $(pub ka)"; done > "$TMPROOT/big"
	script -qec "'$SHK_CLI' --root '$R' import '$TMPROOT/big' >/dev/null" "$TMPROOT/typescript" >/dev/null 2>&1
	check "progress line on a terminal" grep -qF "importing: 300/300 hosts" "$TMPROOT/typescript"
	expect_rc 0 "every imported host found" cli lookup host300.example.net
fi
expect_rc 0 "check is clean after everything" cli check

# ---- a lost salt ----
# keys_* files named with a salt that is gone: a hashed write must not
# make a new salt, which would orphan them while check says nothing.
export HOME=$TMPROOT/home-nosalt
LD=$HOME/.ssh2/hostkeys
mkdir -p "$HOME"
expect_rc 0 "lost salt: a hashed host" cli add --format hashed old.example "$K/ka.pub"
rm "$LD/salt"
ls -A "$LD" >"$TMPROOT/before"
err=$(cli add --format hashed new.example "$K/kb.pub" 2>&1 >/dev/null)
rc=$?
check "lost salt: hashed add exits 2" test "$rc" = 2
check "lost salt: says so, on the directory" grep -qF "$LD: hashed files but no salt:" <<<"$err"
echo "new.example $(pub kb)" >"$TMPROOT/imp-nosalt"
expect_rc 2 "lost salt: hashed import exits 2" cli import --format hashed "$TMPROOT/imp-nosalt"
ls -A "$LD" >"$TMPROOT/after"
check "lost salt: nothing written" cmp -s "$TMPROOT/before" "$TMPROOT/after"
err=$(cli check 2>&1)
rc=$?
check "lost salt: check exits 1" test "$rc" = 1
check "lost salt: check names the missing salt" grep -qF "$LD/salt: missing while 1 hashed file(s) exist" <<<"$err"
rm "$LD"/keys_*
expect_rc 0 "no hashed files left: a new salt is made" cli add --format hashed new.example "$K/kb.pub"
check "new salt written" test -s "$LD/salt"
t_done
