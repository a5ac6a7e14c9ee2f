#!/bin/bash
# SPDX-License-Identifier: MIT
# scan against the real sshd: every offered key type is collected and
# stored, and what is stored equals what ssh-keyscan reports; a port where
# nothing listens in the same run does not stop the good host; -n stores
# nothing; -i also stores under the address; exit codes.
. "$(dirname "$0")/lib.sh"
command -v ssh-keyscan >/dev/null || skip_all "no ssh-keyscan"
. "$(dirname "$0")/sshd-lib.sh"

t_root "files ssh2"
H=$HOME

# The reference: ssh-keyscan's key lines, "type base64", sorted.
ssh-keyscan -p "$PORT" 127.0.0.1 2>/dev/null | grep -v '^#' | cut -d' ' -f2,3 | sort > "$TMPROOT/want"
check "ssh-keyscan saw three key types" test "$(wc -l < "$TMPROOT/want")" -eq 3

DEAD=$(free_port) # nothing listens there

# Dry run first: prints, stores nothing.
rc=0; cli scan -n -T 5 "127.0.0.1#$PORT" > "$TMPROOT/dry.out" 2>"$TMPROOT/dry.err" || rc=$?
check "-n exits 0" test $rc -eq 0
grep -v '^#' "$TMPROOT/dry.out" | cut -d' ' -f2,3 | sort > "$TMPROOT/dry.keys"
check "-n prints what ssh-keyscan reports" cmp -s "$TMPROOT/want" "$TMPROOT/dry.keys"
check "-n prints SHA256 fingerprints" grep -q "^# 127.0.0.1:$PORT ED25519 SHA256:" "$TMPROOT/dry.out"
check "-n prints Bubble Babble fingerprints" grep -Eq "^# 127.0.0.1:$PORT RSA SHA256:[^ ]+ x[a-z]{4}-" "$TMPROOT/dry.out"
check "-n stores nothing" test ! -e "$H/.ssh2"
expect_rc 1 "-n: nothing known afterwards" cli lookup -p "$PORT" 127.0.0.1

# A real run with a dead port in the same run: exit 1, the good host stored.
rc=0; cli scan -T 3 "127.0.0.1#$DEAD" "127.0.0.1#$PORT" > "$TMPROOT/scan.out" 2>"$TMPROOT/scan.err" || rc=$?
check "dead host: exit 1" test $rc -eq 1
check "dead host reported on stderr" grep -q "127.0.0.1#$DEAD" "$TMPROOT/scan.err"
cli lookup -p "$PORT" 127.0.0.1 | cut -d' ' -f2,3 | sort > "$TMPROOT/stored"
check "stored keys equal ssh-keyscan's" cmp -s "$TMPROOT/want" "$TMPROOT/stored"
check "stored in the user ssh2 store, hashed by default" \
	sh -c "ls '$H/.ssh2/hostkeys' | grep -q '^keys_'"
for k in "$SRV"/host_*.pub; do
	expect_rc 0 "verify $(basename "$k") matches" cli verify -p "$PORT" 127.0.0.1 "$k" >/dev/null
done

# The progress line: on stderr only when it is a terminal.
check "no progress line without a terminal" sh -c "! grep -q 'scanned' '$TMPROOT/scan.err'"
if command -v script >/dev/null; then
	cmd=$(printf '%q ' env HOME="$HOME" SSHHOSTKEYS_MODULE_DIR="$SSHHOSTKEYS_MODULE_DIR" \
		"$SHK_CLI" --root "$R" scan -n -T 3 "127.0.0.1#$DEAD" "127.0.0.1#$PORT")
	timeout 60 script -qfec "$cmd >/dev/null" "$TMPROOT/tty.scan" </dev/null >/dev/null 2>&1
	check "progress line on a terminal" grep -q "scanned 2/2 hosts, 1 failed" "$TMPROOT/tty.scan"
fi

# Scanning again adds nothing new and still succeeds.
expect_rc 0 "rescan: exit 0" cli scan -T 5 -p "$PORT" 127.0.0.1 >/dev/null

# -t limits the types; --format plain; --store system; -i with an address
# that is the host itself stores nothing twice.
R2=$TMPROOT/root2
export HOME=$TMPROOT/home2
mkdir -p "$R2/etc" "$HOME"
rc=0; "$SHK_CLI" --root "$R2" scan -t ed25519 --format plain --store system -p "$PORT" 127.0.0.1 >/dev/null 2>&1 || rc=$?
check "-t ed25519 --store system --format plain: exit 0" test $rc -eq 0
check "nothing in the user store" test ! -e "$HOME/.ssh2"
check "one plain system file" test -f "$R2/etc/ssh2/hostkeys/key_${PORT}_127.0.0.1.pub"
n=$("$SHK_CLI" --root "$R2" lookup -p "$PORT" 127.0.0.1 | wc -l)
check "-t ed25519 stored one key (got $n)" test "$n" -eq 1

# -i: a name that resolves to 127.0.0.1 also stores under the address.
R3=$TMPROOT/root3
export HOME=$TMPROOT/home3
mkdir -p "$R3/etc" "$HOME"
rc=0; "$SHK_CLI" --root "$R3" scan -i --format plain -t ed25519 -p "$PORT" localhost >/dev/null 2>"$TMPROOT/i.err" || rc=$?
if [ $rc -eq 0 ]; then
	check "-i: stored under the name" test -f "$HOME/.ssh2/hostkeys/key_${PORT}_localhost.pub"
	check "-i: stored under 127.0.0.1 too" \
		sh -c "\"$SHK_CLI\" --root '$R3' lookup -p $PORT 127.0.0.1 | grep -q ssh-ed25519"
else
	# localhost may resolve to ::1 first where sshd does not listen.
	fail "-i scan of localhost (exit $rc): $(cat "$TMPROOT/i.err")"
fi

# Usage errors: exit 2.
exec 2>/dev/null
expect_rc 2 "no host: exit 2" cli scan
expect_rc 2 "bad type: exit 2" cli scan -t nope 127.0.0.1
expect_rc 2 "bad timeout: exit 2" cli scan -T 0 127.0.0.1
expect_rc 2 "bad host: exit 2" cli scan 'a/b'

t_done
