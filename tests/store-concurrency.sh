#!/bin/bash
# SPDX-License-Identifier: MIT
# Several processes write one hashed user store at once, starting from an
# empty directory (so they also race to create the salt): afterwards every
# host is found, keys added to one host by everyone are all there, there
# is exactly one salt and no temporary file.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

t_root ssh2
NPROC=4
NHOSTS=200
NSINGLE=20
UD=$HOME/.ssh2/hostkeys

for p in $(seq 1 $NPROC); do
	ssh-keygen -q -t ed25519 -N '' -C "k$p" -f "$TMPROOT/k$p"
	key=$(cut -d' ' -f1,2 "$TMPROOT/k$p.pub")
	for i in $(seq 1 $NHOSTS); do echo "p$p-h$i.example.net $key"; done > "$TMPROOT/in$p"
done

# Writers wait for one start signal so that they really overlap.
writer_import() {
	while [ ! -e "$TMPROOT/go" ]; do sleep 0.01; done
	cli import --format hashed "$TMPROOT/in$1" >"$TMPROOT/out$1" 2>"$TMPROOT/err$1"
	echo $? >"$TMPROOT/rc$1"
}
# Single adds: each process adds its own key to the same hosts.
writer_single() {
	while [ ! -e "$TMPROOT/go" ]; do sleep 0.01; done
	local i rc=0
	for i in $(seq 1 $NSINGLE); do
		cli add --format hashed "shared$i.example.net" "$TMPROOT/k$1.pub" \
			>/dev/null 2>>"$TMPROOT/serr$1" || rc=$?
	done
	echo $rc >"$TMPROOT/src$1"
}
pids=""
for p in $(seq 1 $NPROC); do
	writer_import "$p" &
	pids="$pids $!"
	writer_single "$p" &
	pids="$pids $!"
done
start=$(date +%s)
touch "$TMPROOT/go"
wait $pids
echo "# writers took $(($(date +%s) - start)) s"

for p in $(seq 1 $NPROC); do
	check "import $p exit 0" test "$(cat "$TMPROOT/rc$p")" = 0
	check "import $p added every host" grep -qx "added $NHOSTS, already present 0, .*" "$TMPROOT/out$p"
	check "import $p: no error output" test ! -s "$TMPROOT/err$p"
	check "single adds $p exit 0" test "$(cat "$TMPROOT/src$p")" = 0
done
check "exactly one salt" test "$(find "$UD" -name 'salt*' | wc -l)" = 1
check "no temporary file left" test ! -e "$UD/.sshhostkeys.tmp"
want=$((NPROC * NHOSTS + NSINGLE))
check "one file per host ($want)" test "$(find "$UD" -name 'keys_*' | wc -l)" = "$want"

missing=0
for p in $(seq 1 $NPROC); do
	key=$(cut -d' ' -f1,2 "$TMPROOT/k$p.pub")
	for i in $(seq 1 $NHOSTS); do
		out=$(cli lookup "p$p-h$i.example.net" 2>/dev/null) || { missing=$((missing + 1)); continue; }
		[ "$out" = "p$p-h$i.example.net $key" ] || missing=$((missing + 1))
	done
done
check "every imported host found with its key" test "$missing" = 0
short=0
for i in $(seq 1 $NSINGLE); do
	n=$(cli lookup "shared$i.example.net" 2>/dev/null | wc -l)
	[ "$n" = "$NPROC" ] || short=$((short + 1))
done
check "shared hosts hold every writer's key" test "$short" = 0
expect_rc 0 "check is clean" cli check
t_done
