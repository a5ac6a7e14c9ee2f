#!/bin/bash
# SPDX-License-Identifier: MIT
# export round trip: a store of 50 hosts (three key types, ports 22 and
# others, DNS names, IPv4 and IPv6 addresses; system and user known_hosts,
# plain and hashed; ssh2 files, plain and hashed) and one revoked key.
# Every host is in `export` and `export --hash` (the hashed ssh2 ones
# through --hosts-from; without it, export counts them and exits 1), as
# ssh-keygen -F and paramiko's HostKeys (Debian's /usr/bin/python3) read
# the file; the revoked key is trusted by neither; and a real ssh reading
# only the export refuses a server presenting it.
. "$(dirname "$0")/lib.sh"

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$HOME/.ssh"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$K/k0"
ssh-keygen -q -t ecdsa -N '' -C '' -f "$K/k1"
ssh-keygen -q -t rsa -b 2048 -N '' -C '' -f "$K/k2"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$K/rev"

# Host i: name, port, key, and where it is stored (i % 5).
spec_of() { # I -> the host spec lookup and export take
	local i=$1 h p
	if [ $((i % 6)) -eq 1 ]; then h=10.1.0.$i
	elif [ $((i % 6)) -eq 4 ]; then h=2001:db8::$i
	else h=Host$i.Example.COM; fi # mixed case: export must lowercase
	p=22
	[ $((i % 4)) -ne 3 ] || p=$((2200 + i))
	case $h:$p in
	*:22) echo "$h" ;;
	*) echo "[$h]:$p" ;;
	esac
}
: >"$TMPROOT/system.kh"
: >"$TMPROOT/user.kh"
: >"$TMPROOT/fleet"
: >"$TMPROOT/expect"
for i in $(seq 0 49); do
	s=$(spec_of "$i")
	key=k$((i % 3))
	echo "$s" >>"$TMPROOT/fleet"
	echo "$s $(pub $key)" >>"$TMPROOT/expect"
	case $((i % 5)) in
	0) echo "$s $(pub $key)" >>"$TMPROOT/system.kh" ;;
	1) echo "$s $(pub $key)" >>"$TMPROOT/user.kh" ;;
	2) cli add --format plain "$s" "$K/$key.pub" >/dev/null ;;
	3) cli add "$s" "$K/$key.pub" >/dev/null ;; # hashed ssh2 file
	4) cli add --store system "$s" "$K/$key.pub" >/dev/null ;;
	esac
done
# The user file hashed, as ssh's HashKnownHosts writes it.
ssh-keygen -q -H -f "$TMPROOT/user.kh" >/dev/null 2>&1
cp "$TMPROOT/user.kh" "$HOME/.ssh/known_hosts"
{
	cat "$TMPROOT/system.kh"
	echo "@revoked * $(pub rev)"
	echo "trusted-once.example $(pub rev)"
} >"$R/etc/ssh/ssh_known_hosts"
nhashed=$(ls "$HOME/.ssh2/hostkeys" "$R/etc/ssh2/hostkeys" | grep -c '^keys_')
check "the store holds hashed ssh2 files ($nhashed)" test "$nhashed" -ge 10

rc=0; cli export >"$TMPROOT/bare" 2>"$TMPROOT/bare.err" || rc=$?
check "without names: exit 1" test "$rc" -eq 1
check "... and the count of hashed files left out" grep -q "left out $nhashed hashed files" "$TMPROOT/bare.err"

rc=0; cli export --hosts-from "$TMPROOT/fleet" >"$TMPROOT/plain" || rc=$?
check "export --hosts-from: exit 0" test "$rc" -eq 0
rc=0; cli export --hash --hosts-from "$TMPROOT/fleet" >"$TMPROOT/hashed" || rc=$?
check "export --hash --hosts-from: exit 0" test "$rc" -eq 0

# ssh-keygen -F finds every host with its key, in both exports.
missing() { # FILE -> the hosts ssh-keygen -F does not find with their key
	local s b64
	while read -r s _ b64; do
		s=$(tr 'A-Z' 'a-z' <<<"$s")
		ssh-keygen -F "$s" -f "$1" 2>/dev/null | grep -v '^#' | grep -q " $b64\$" ||
			echo "$s"
	done <"$TMPROOT/expect"
}
for f in plain hashed; do
	out=$(missing "$TMPROOT/$f")
	check "$f export: ssh-keygen -F finds all 50 hosts" test -z "$out"
	[ -z "$out" ] || echo "# not found: $out"
	check "$f export: @revoked kept" grep -q "^@revoked \* $(pub rev)\$" "$TMPROOT/$f"
	check "$f export: the revoked key never trusted" \
		sh -c "! grep -v '^@revoked' '$TMPROOT/$f' | grep -q '$(cut -d' ' -f2 "$K/rev.pub")'"
done

# paramiko (Debian's python3): loads the export, trusts each host's key,
# not the revoked one.
PY=/usr/bin/python3
if "$PY" -c 'import paramiko' 2>/dev/null; then
	for f in plain hashed; do
		out=$("$PY" - "$TMPROOT/$f" "$TMPROOT/expect" "$K/rev.pub" <<'PY'
import sys
import paramiko
from paramiko.hostkeys import HostKeyEntry

hk = paramiko.HostKeys(sys.argv[1])
bad = 0
for line in open(sys.argv[2]):
    name, rest = line.split(" ", 1)
    entry = HostKeyEntry.from_line("x " + rest)
    if not hk.check(name.lower(), entry.key):
        print("not trusted:", name)
        bad += 1
rev = HostKeyEntry.from_line("x " + open(sys.argv[3]).read())
if hk.check("trusted-once.example", rev.key):
    print("revoked key trusted")
    bad += 1
print("ok" if bad == 0 else "bad")
PY
		)
		check "$f export: paramiko trusts all 50 hosts and not the revoked key" \
			test "$(tail -n 1 <<<"$out")" = ok
		[ "$(tail -n 1 <<<"$out")" = ok ] || echo "$out" | head -5
	done
else
	echo "# skipping paramiko: $PY has no paramiko (Debian: python3-paramiko)"
fi

# A real ssh reading only the export refuses a server whose key is revoked.
if [ -x /usr/sbin/sshd ] && [ "$(id -u)" -eq 0 ]; then
	. "$(dirname "$0")/sshd-lib.sh"
	srv=$(cut -d' ' -f1,2 "$SRV/host_ed25519.pub")
	echo "[127.0.0.1]:$PORT $srv" >>"$HOME/.ssh/known_hosts"
	ssh_try() { # FILE: the ssh error output
		timeout 30 ssh -F /dev/null -n -o StrictHostKeyChecking=yes \
			-o UserKnownHostsFile="$1" -o GlobalKnownHostsFile=/dev/null \
			-o HostKeyAlgorithms=ssh-ed25519 -o BatchMode=yes -o ConnectTimeout=10 \
			-o IdentitiesOnly=yes -o IdentityFile=/dev/null -p "$PORT" nobody@127.0.0.1 true \
			2>&1 >/dev/null
	}
	cli export --out "$TMPROOT/e2e.before"
	check "control: ssh accepts the server's key from the export" \
		grep -q "Permission denied" <<<"$(ssh_try "$TMPROOT/e2e.before")"
	echo "@revoked * $srv" >>"$R/etc/ssh/ssh_known_hosts"
	cli export --out "$TMPROOT/e2e.revoked"
	check "revoked: the trusted line is gone from the export" \
		sh -c "! grep -v '^@revoked' '$TMPROOT/e2e.revoked' | grep -q '$(cut -d' ' -f2 <<<"$srv")'"
	check "revoked: ssh refuses the server, as revoked" \
		grep -qi "revoked" <<<"$(ssh_try "$TMPROOT/e2e.revoked")"
else
	echo "# skipping the ssh run: needs root and /usr/sbin/sshd"
fi

t_done
