#!/bin/sh
# SPDX-License-Identifier: MIT
# make bench, "A whole ssh connection": a real sshd on 127.0.0.1 and ssh
# connecting to it and running "true", once with the store as its
# UserKnownHostsFile (the reference: ssh reads the file itself) and once
# with the shipped KnownHostsCommand line over the same file (ssh asks
# sshhostkeys, twice per connection), side by side in one benchtime run.
# Stores of 1 to 1M entries, plain and hashed, with the server's keys on
# the last line; settled and first sight (the file touched before every
# connection); root and an ordinary user. Run by bench/run.sh, which
# exports CLI, BENCHGEN, BENCHTIME, OUT, RUNS, NR_USER, NR_OK, NR_HOME.
#
# sshd needs root (privilege separation): without root this section says
# so and stops. The ordinary user's login runs its own shell, often
# nologin (nobody's): its connections end with exit 1 after the whole
# handshake, authentication and session setup, the same for both rows.
# Variables: BENCH_CONNECT_SIZES (default "1 10000 100000 1000000").
set -eu

SIZES=${BENCH_CONNECT_SIZES:-1 10000 100000 1000000}
SSHD=/usr/sbin/sshd
echo
echo "## A whole ssh connection (sshd on 127.0.0.1, ssh ... true)"
echo
if [ "$(id -u)" -ne 0 ] || [ ! -x "$SSHD" ]; then
	echo "(skipped: needs root and $SSHD)"
	exit 0
fi

C=$OUT/connect
SRV=$C/srv
mkdir -p "$SRV" /run/sshd
chmod 0755 "$C" "$SRV"
for t in ed25519 ecdsa rsa; do
	[ -f "$SRV/host_$t" ] || ssh-keygen -q -t $t -N '' -C '' -f "$SRV/host_$t" </dev/null
done
# Client keys: ssh refuses a private key its own user could share, so
# root and the ordinary user each get one of their own.
[ -f "$SRV/client_root" ] || ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/client_root" </dev/null
cat "$SRV/client_root.pub" >"$SRV/authorized_keys"
if [ "$NR_OK" = 1 ]; then
	[ -f "$SRV/client_user" ] || ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/client_user" </dev/null
	chown "$NR_USER" "$SRV/client_user"
	cat "$SRV/client_user.pub" >>"$SRV/authorized_keys"
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$SRV/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $SRV/host_ed25519
HostKey $SRV/host_ecdsa
HostKey $SRV/host_rsa
PidFile $SRV/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AuthorizedKeysFile $SRV/authorized_keys
MaxStartups 100
LogLevel ERROR
CFG
"$SSHD" -D -e -f "$SRV/sshd_config" 2>"$SRV/sshd.log" &
SSHD_PID=$!
SPEC=$C/spec.$$
trap 'kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; rm -f "$SPEC"' EXIT
# Ready when it answers a key scan.
i=0
until ssh-keyscan -T 1 -p "$PORT" 127.0.0.1 >/dev/null 2>&1; do
	i=$((i + 1))
	if [ "$i" -ge 50 ] || ! kill -0 "$SSHD_PID" 2>/dev/null; then
		echo "(skipped: sshd did not start)"
		cat "$SRV/sshd.log"
		exit 0
	fi
	sleep 0.1
done

# The server's keys as the one line ssh will look for ([127.0.0.1]:PORT).
TARGET=$C/target
ssh-keyscan -p "$PORT" 127.0.0.1 2>/dev/null | sort >"$TARGET.plain"
cp "$TARGET.plain" "$TARGET.hashed"
ssh-keygen -q -H -f "$TARGET.hashed" >/dev/null 2>&1
rm -f "$TARGET.hashed.old"

# store N KIND: a --root for the CLI whose system known_hosts holds N-1
# generated entries (cached across runs) and the server's keys last.
store() {
	d=$C/$1-$2
	base=$d/base
	if [ ! -f "$d/ready" ]; then
		rm -rf "$d" && mkdir -p "$d"
		"$BENCHGEN" kh $(($1 - 1)) "$OUT/keys/ed.pub" "$OUT/keys/ec.pub" \
			"$OUT/keys/rsa.pub" "$OUT/keys/mark.pub" >"$base"
		[ "$1" -gt 1 ] || : >"$base"
		if [ "$2" = hashed ] && [ -s "$base" ]; then
			ssh-keygen -q -H -f "$base" >/dev/null 2>&1
			rm -f "$base.old"
		fi
		touch "$d/ready"
	fi
	r=$d/root
	rm -rf "$r"
	mkdir -p "$r/etc/ssh" "$r/var/cache"
	echo "ssh_hostkeys: files" >"$r/etc/nsswitch.conf"
	: >"$r/etc/sshhostkeys.conf"
	cat "$base" "$TARGET.$2" >"$r/etc/ssh/ssh_known_hosts"
	echo "$r"
}

# ssh_configs R KEY: two client configurations, identical but for where
# the keys come from (benchtime splits arguments on spaces, and the
# KnownHostsCommand line has spaces, so they go into files).
ssh_configs() {
	common="Port $PORT
IdentityFile $2
IdentitiesOnly yes
BatchMode yes
StrictHostKeyChecking yes
UpdateHostKeys no
GlobalKnownHostsFile /dev/null
LogLevel ERROR"
	printf '%s\nUserKnownHostsFile %s\n' "$common" "$1/etc/ssh/ssh_known_hosts" >"$1/files.conf"
	printf '%s\nUserKnownHostsFile /dev/null\nKnownHostsCommand %s --root %s known-hosts -p %%p -t %%t -K %%K -- %%H\n' \
		"$common" "$CLI" "$1" >"$1/shk.conf"
	chmod 0644 "$1/files.conf" "$1/shk.conf"
}

group() { # N KIND WHO STATE R
	echo "group $1 $2, $3, $4"
	case $4 in first*) echo "prep touch $5/etc/ssh/ssh_known_hosts" ;; esac
	echo "cmd ssh,_file ssh -F $5/files.conf 127.0.0.1 true"
	echo "cmd ssh,_KnownHostsCommand ssh -F $5/shk.conf 127.0.0.1 true"
}

for n in $SIZES; do
	for kind in plain hashed; do
		echo "building connection store $n $kind..." >&2
		r=$(store "$n" "$kind")
		sleep 2.1 # settle: a file younger than 2 s is not indexed on disk
		ssh_configs "$r" "$SRV/client_root"
		# Root's first connection writes the index: what a settled
		# store looks like once anyone with the right has looked.
		ssh -F "$r/shk.conf" 127.0.0.1 true >/dev/null 2>&1 || true
		{
			group "$n" "$kind" root settled "$r"
			group "$n" "$kind" root "first sight" "$r"
		} >"$SPEC"
		"$BENCHTIME" -n "$RUNS" <"$SPEC"
		if [ "$NR_OK" = 1 ]; then
			sleep 2.1
			"$CLI" --root "$r" lookup "[127.0.0.1]:$PORT" >/dev/null 2>&1 || true
			ssh_configs "$r" "$SRV/client_user"
			group "$n" "$kind" "$NR_USER" "settled, root's index" "$r" >"$SPEC"
			HOME=$NR_HOME "$BENCHTIME" -n "$RUNS" -u "$NR_USER" <"$SPEC"
			rm -rf "$r/var/cache/sshhostkeys"
			{
				group "$n" "$kind" "$NR_USER" "settled, no system index" "$r"
				group "$n" "$kind" "$NR_USER" "first sight" "$r"
			} >"$SPEC"
			HOME=$NR_HOME "$BENCHTIME" -n "$RUNS" -u "$NR_USER" <"$SPEC"
		fi
		echo
	done
done
