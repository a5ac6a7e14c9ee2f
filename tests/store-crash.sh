#!/bin/bash
# SPDX-License-Identifier: MIT
# Writers (the CLI itself, started directly so that the kill reaches it)
# killed with SIGKILL at random moments leave every file either
# old or new: after each round every store file parses (check exits 0),
# the salt is whole, and lookups work. Bounded to about 15 s of rounds.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

t_root "files ssh2"
mkdir -p "$HOME/.ssh"
UD=$HOME/.ssh2/hostkeys
SECONDS_MAX=${SHK_CRASH_SECONDS:-15}

for p in 1 2 3; do
	ssh-keygen -q -t ed25519 -N '' -C "k$p" -f "$TMPROOT/k$p"
	key=$(cut -d' ' -f1,2 "$TMPROOT/k$p.pub")
	# Overlapping host sets: the same files are rewritten by several writers.
	for i in $(seq 1 150); do echo "h$(((i * p) % 170)).example.net $key"; done > "$TMPROOT/in$p"
done
for i in $(seq 1 60); do echo "h$i.example.net $(cut -d' ' -f1,2 "$TMPROOT/k1.pub")"; done \
	> "$HOME/.ssh/known_hosts"

rounds=0 hits=0 bad=0
start=$(date +%s)
while [ $(($(date +%s) - start)) -lt "$SECONDS_MAX" ]; do
	rounds=$((rounds + 1))
	pids=""
	for p in 1 2 3; do
		# A fresh key each round, so that every import rewrites files.
		rm -f "$TMPROOT/r$p" "$TMPROOT/r$p.pub"
		ssh-keygen -q -t ed25519 -N '' -f "$TMPROOT/r$p"
		key=$(cut -d' ' -f1,2 "$TMPROOT/r$p.pub")
		for i in $(seq 1 150); do echo "h$(((i * p) % 170)).example.net $key"; done \
			>"$TMPROOT/in$p"
		fmt=hashed
		[ $(((rounds + p) % 3)) = 0 ] && fmt=plain
		"$SHK_CLI" --root "$R" import --format $fmt "$TMPROOT/in$p" >/dev/null 2>&1 &
		pids="$pids $!"
	done
	"$SHK_CLI" --root "$R" remove "h$((RANDOM % 60 + 1)).example.net" >/dev/null 2>&1 &
	pids="$pids $!"
	"$SHK_CLI" --root "$R" add "h$((RANDOM % 170)).example.net" "$TMPROOT/k2.pub" \
		>/dev/null 2>&1 &
	pids="$pids $!"
	sleep "0.$(printf %03d $((RANDOM % 300)))"
	{
		for pid in $pids; do
			# Count only writers still running (not zombies).
			if grep -q '^State:[[:space:]]*[RSD]' "/proc/$pid/status" 2>/dev/null; then
				kill -9 "$pid" 2>/dev/null && hits=$((hits + 1))
			fi
		done
		wait $pids
	} 2>/dev/null
	if ! cli check >"$TMPROOT/check.out" 2>&1; then
		bad=$((bad + 1))
		echo "# round $rounds: check failed:"
		sed 's/^/#   /' "$TMPROOT/check.out" | head -20
	fi
	if [ -e "$UD/salt" ] && ! grep -qxE '[0-9a-f]{64}' "$UD/salt"; then
		bad=$((bad + 1))
		echo "# round $rounds: salt damaged"
	fi
done
echo "# $rounds rounds, $hits writers killed while running"
check "writers were killed mid-run" test "$hits" -gt 0
check "every round left parseable files" test "$bad" = 0
check "exactly one salt" test "$(find "$UD" -name 'salt*' | wc -l)" = 1
# A leftover temporary file is harmless and goes with the next write.
cli import "$TMPROOT/in1" >/dev/null 2>&1
check "no temporary file after a complete write" test ! -e "$UD/.sshhostkeys.tmp"
out=$(cli lookup h150.example.net 2>/dev/null)
check "lookup works after the crashes" test -n "$out"
n=0
for f in "$UD"/keys_* "$UD"/key_*; do
	[ -e "$f" ] || continue
	grep -q -- '---- END SSH2 PUBLIC KEY ----' "$f" || n=$((n + 1))
done
check "no truncated store file" test "$n" = 0
expect_rc 0 "known_hosts still parses" cli check
t_done
