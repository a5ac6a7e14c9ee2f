#!/bin/bash
# SPDX-License-Identifier: MIT
# Crash-proof writes: a loop of a few thousand adds and removes through
# the CLI is SIGKILLed at random points, again and again. After every kill
# every store file parses (check exits 0); at the end, every write that
# returned success and was not followed by an attempt that may have run
# is present (add) or absent (remove), and no temporary file remains
# after the next write. SHK_CRASH_OPS (default 2000) bounds the work.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"
command -v setsid >/dev/null || skip_all "no setsid"

t_root "files ssh2"
UD=$HOME/.ssh2/hostkeys
mkdir -p "$HOME/.ssh"
OPS=${SHK_CRASH_OPS:-2000}
NHOSTS=40
for k in 0 1 2; do ssh-keygen -q -t ed25519 -N '' -C "k$k" -f "$TMPROOT/k$k"; done
J=$TMPROOT/journal # "try N OP HOST KEY" before, "ok N" after success

# One writer: ops from $1 on, until killed or $OPS reached.
writer() {
	local i=$1 h op k fmt rc
	while [ "$i" -lt "$OPS" ]; do
		h=h$((RANDOM % NHOSTS)).example.net
		k=$((RANDOM % 3))
		fmt=hashed
		[ $((i % 5)) = 0 ] && fmt=plain
		if [ $((RANDOM % 3)) = 0 ]; then op=remove; else op=add; fi
		echo "try $i $op $h $k" >>"$J"
		rc=0
		if [ $op = add ]; then
			cli add --format $fmt "$h" "$TMPROOT/k$k.pub" >/dev/null 2>&1 || rc=$?
		else
			cli remove "$h" >/dev/null 2>&1 || rc=$?
		fi
		# Exit 1: nothing to do (the key was there, or nothing named
		# the host); the state asked for holds all the same.
		if [ "$rc" = 0 ] || [ "$rc" = 1 ]; then
			echo "ok $i" >>"$J"
		fi
		i=$((i + 1))
	done
}
export -f writer cli
export J OPS NHOSTS TMPROOT R SHK_CLI

: >"$J"
rounds=0 bad=0 next=0
while [ "$next" -lt "$OPS" ]; do
	rounds=$((rounds + 1))
	setsid bash -c "writer $next" &
	pid=$!
	sleep "0.$(printf %03d $((RANDOM % 600 + 50)))"
	kill -9 -- -"$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	if ! cli check >"$TMPROOT/check.out" 2>&1; then
		bad=$((bad + 1))
		echo "# round $rounds: check failed:"
		sed 's/^/#   /' "$TMPROOT/check.out" | head -n 10
	fi
	last=$(awk '$1 == "try" { n = $2 } END { print n + 0 }' "$J")
	next=$((last + 1))
done
tries=$(grep -c '^try' "$J")
oks=$(grep -c '^ok' "$J")
echo "# $rounds kills, $tries writes started, $oks returned success"
check "writers were killed mid-loop" test "$rounds" -gt 5
check "every file parsed after every kill" test "$bad" = 0

# Expected state per host: its last started write, if it returned success.
awk '
	$1 == "try" { op[$2] = $3; host[$2] = $4; key[$2] = $5; last[$4] = $2 }
	$1 == "ok" { ok[$2] = 1 }
	END { for (h in last) { i = last[h]; if (ok[i]) print h, op[i], key[i] } }
' "$J" >"$TMPROOT/expect"
missing=0 checked=0
while read -r h op k; do
	checked=$((checked + 1))
	out=$(cli lookup "$h" 2>/dev/null || true)
	want=$(cut -d' ' -f1,2 "$TMPROOT/k$k.pub")
	if [ "$op" = add ]; then
		grep -qF "$want" <<<"$out" || { missing=$((missing + 1)); echo "# lost: add $h k$k"; }
	else
		[ -z "$out" ] || { missing=$((missing + 1)); echo "# came back: remove $h"; }
	fi
done <"$TMPROOT/expect"
echo "# $checked hosts checked against their last successful write"
check "hosts were checked" test "$checked" -gt 0
check "every successful write is present" test "$missing" = 0
cli add h0.example.net "$TMPROOT/k0.pub" >/dev/null 2>&1
check "no temporary file after the next write" \
	test -z "$(find "$UD" -name '.sshhostkeys.tmp*' 2>/dev/null)"
expect_rc 0 "the store lints clean" cli check
t_done
