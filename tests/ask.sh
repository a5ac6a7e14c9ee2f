#!/bin/bash
# SPDX-License-Identifier: MIT
# The "ask" policy through a real pseudo-terminal (util-linux script(1)):
# the question shows host, port, key type and both fingerprints on the
# terminal (not on standard output); "yes" stores, "no" refuses, nonsense
# asks again; end of file refuses; without a terminal it is strict.
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || skip_all "no script(1) (util-linux)"

t_root "files ssh2"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$TMPROOT/k"
KEY=$TMPROOT/k.pub
FP=$(ssh-keygen -l -f "$KEY" | cut -d' ' -f2)
BB=$(ssh-keygen -B -f "$KEY" | cut -d' ' -f2)
OUT=$TMPROOT/stdout

# on_tty PORT: the verify command line run inside the pty; its standard
# output goes to $OUT.PORT so the terminal shows only the question.
on_tty() {
	printf '%q ' env HOME="$HOME" SSHHOSTKEYS_MODULE_DIR="$SSHHOSTKEYS_MODULE_DIR" \
		"$SHK_CLI" --root "$R" verify --policy ask -p "$1" h.example "$KEY"
	printf '> %q' "$OUT.$1"
}
known() { "$SHK_CLI" --root "$R" verify -p "$1" h.example "$KEY" >/dev/null 2>&1; }
not_known() { ! known "$1"; }

# 1. "yes", typed ahead: stored.
rc=0; printf 'yes\n' | timeout 30 script -qfec "$(on_tty 2201)" "$TMPROOT/tty.1" >/dev/null || rc=$?
check "yes: exit 0" test $rc -eq 0
check "question names the host and port" grep -q "host 'h.example' (port 2201)" "$TMPROOT/tty.1"
check "question shows the key type and SHA256" grep -q "ED25519 key fingerprint is $FP" "$TMPROOT/tty.1"
check "question shows Bubble Babble" grep -q "$BB" "$TMPROOT/tty.1"
check "question asks yes/no" grep -q "(yes/no)?" "$TMPROOT/tty.1"
check "question is not on standard output" sh -c "! grep -q 'authenticity' '$OUT.2201'"
check "yes: standard output says stored" grep -q "stored in the user store" "$OUT.2201"
check "yes: the key is known now" known 2201

# 2. "no": refused, nothing stored.
before=$(find "$HOME" "$R" -type f | sort | xargs sha256sum)
rc=0; printf 'no\n' | timeout 30 script -qfec "$(on_tty 2202)" "$TMPROOT/tty.2" >/dev/null || rc=$?
check "no: exit 1" test $rc -eq 1
check "no: nothing stored" test "$before" = "$(find "$HOME" "$R" -type f | sort | xargs sha256sum)"
check "no: still unknown" not_known 2202

# 3. Nonsense, answered only once the question is on the screen: asked
# again, then "yes" stores. stdin of script is a FIFO we feed by hand.
mkfifo "$TMPROOT/in"
timeout 30 script -qfec "$(on_tty 2203)" "$TMPROOT/tty.3" <"$TMPROOT/in" >/dev/null &
SPID=$!
exec 7>"$TMPROOT/in"
waitfor() { # TEXT: until the terminal shows TEXT (10 s at most)
	local i
	for i in $(seq 100); do
		grep -q "$1" "$TMPROOT/tty.3" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
check "nonsense: question shown" waitfor "(yes/no)?"
printf 'maybe\n' >&7
check "nonsense: asked again" waitfor "Please type 'yes' or 'no'"
printf 'yes\n' >&7
rc=0; wait $SPID || rc=$?
exec 7>&-
check "nonsense then yes: exit 0" test $rc -eq 0
check "nonsense then yes: stored" known 2203
n=$(grep -o "Please type" "$TMPROOT/tty.3" | wc -l)
check "nonsense asked again exactly once (got $n)" test "$n" -eq 1

# 4. End of file on the terminal: refused.
rc=0; timeout 30 script -qfec "$(on_tty 2204)" "$TMPROOT/tty.4" </dev/null >/dev/null || rc=$?
check "end of file: exit 1" test $rc -eq 1
check "end of file: not stored" not_known 2204

# 5. No controlling terminal at all: strict, without asking.
rc=0; setsid -w "$SHK_CLI" --root "$R" verify --policy ask -p 2205 h.example "$KEY" \
	>"$TMPROOT/notty.out" 2>&1 </dev/null || rc=$?
check "no terminal: exit 1" test $rc -eq 1
check "no terminal: nothing asked" sh -c "! grep -q 'authenticity' '$TMPROOT/notty.out'"
check "no terminal: not stored" not_known 2205

# 6. ask is the default policy (no sshhostkeys.conf).
rc=0; printf 'yes\n' | timeout 30 script -qfec "$(on_tty 2206 | sed 's/--policy ask/--policy default/')" "$TMPROOT/tty.6" >/dev/null || rc=$?
check "default policy asks" grep -q "(yes/no)?" "$TMPROOT/tty.6"
check "default policy: yes stores" known 2206

t_done
