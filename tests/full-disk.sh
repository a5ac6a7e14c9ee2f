#!/bin/bash
# SPDX-License-Identifier: MIT
# A store on a full disk (a 128 KiB tmpfs): writes that do not fit fail
# with a clear message and change nothing; every file still parses; every
# write that succeeded is there; after space is freed, writes work again
# and leave no temporary file. Needs mount (root); skipped otherwise.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"
[ "$(id -u)" -eq 0 ] || skip_all "needs root for mount"

t_root "files ssh2"
mount -t tmpfs -o size=128k,mode=0755 shk-full "$HOME" 2>/dev/null ||
	skip_all "cannot mount a tmpfs here"
umount_home() { umount "$HOME" 2>/dev/null || true; }
t_on_exit umount_home
mkdir -p "$HOME/.ssh" && chmod 0700 "$HOME/.ssh"
ssh-keygen -q -t rsa -b 4096 -N '' -C big -f "$TMPROOT/big"
UD=$HOME/.ssh2/hostkeys

ok_hosts="" failed=0 msg_ok=1 n=0
# Each plain file takes a tmpfs page; 128 KiB fills in a few dozen hosts.
while [ "$n" -lt 200 ]; do
	n=$((n + 1))
	if cli add --format plain "h$n.example.net" "$TMPROOT/big.pub" >/dev/null 2>"$TMPROOT/err"; then
		ok_hosts="$ok_hosts h$n.example.net"
	else
		failed=$((failed + 1))
		grep -qiE 'space|quota|no room' "$TMPROOT/err" || { msg_ok=0; cat "$TMPROOT/err"; }
		[ "$failed" -ge 3 ] && break
	fi
done
echo "# $(wc -w <<<"$ok_hosts") adds succeeded before the disk was full"
echo "# the refusal: $(head -n 1 "$TMPROOT/err")"
check "the disk filled up" test "$failed" -ge 1
check "a failed write says the disk is full" test "$msg_ok" = 1
expect_rc 0 "every file parses on a full disk" cli check
lost=0
for h in $ok_hosts; do cli lookup "$h" >/dev/null 2>&1 || lost=$((lost + 1)); done
check "every successful add is present" test "$lost" = 0
expect_rc 1 "a failed add left nothing behind" cli lookup "h$n.example.net"
# Free space, then the next write must work and clean up.
for h in $(echo $ok_hosts | cut -d' ' -f1-4); do cli remove "$h" >/dev/null 2>&1; done
expect_rc 0 "a write after freeing space works" cli add --format plain free.example.net "$TMPROOT/big.pub"
check "no temporary file left" test -z "$(find "$UD" -name '.sshhostkeys.tmp*')"
expect_rc 0 "the store lints clean" cli check
t_done
