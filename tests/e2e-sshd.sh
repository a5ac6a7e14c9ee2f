#!/bin/bash
# SPDX-License-Identifier: MIT
# End to end with the real OpenSSH: sshd on 127.0.0.1 and a free high port,
# its host keys only in an sshhostkeys store under a temporary root, and ssh
# using the shipped KnownHostsCommand line (plus --root). Host-key checking
# must pass for known_hosts, ssh2 plain and ssh2 hashed stores, and fail with
# "Host key verification failed" for a wrong, a revoked or an unknown key,
# never with "KnownHostsCommand failed".
. "$(dirname "$0")/lib.sh"

command -v ssh >/dev/null || skip_all "no ssh"
. "$(dirname "$0")/sshd-lib.sh"
ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/other_ed25519"

# The shipped line, with our CLI and a --root in place of the installed path.
CONF="$top_builddir/conf/ssh_config.d/50-sshhostkeys.conf"
KHC=$(sed -n 's/^[[:space:]]*KnownHostsCommand[[:space:]]*//p' "$CONF")
case "$KHC" in
*"/sshhostkeys known-hosts "*) ;;
*) fail "shipped KnownHostsCommand line not found in $CONF"; t_done; exit ;;
esac

# new_root: a fresh, empty store; sets R and H.
new_root() {
	R=$TMPROOT/root.$1
	H=$TMPROOT/home.$1
	mkdir -p "$R/etc/ssh" "$R/etc/ssh2/hostkeys" "$H/.ssh2/hostkeys"
	echo "ssh_hostkeys: files ssh2" > "$R/etc/nsswitch.conf"
}

# try NAME: ssh to the server with only the store as source of keys.
try() {
	local cmd=${KHC/*\/sshhostkeys known-hosts/$SHK_CLI --root $R known-hosts}
	[ -n "${BROKEN_KHC:-}" ] && cmd=$BROKEN_KHC
	HOME=$H timeout 30 ssh -F /dev/null -n \
		-o StrictHostKeyChecking=yes -o UserKnownHostsFile=/dev/null \
		-o GlobalKnownHostsFile=/dev/null -o BatchMode=yes -o ConnectTimeout=10 \
		-o IdentitiesOnly=yes -o IdentityFile=/dev/null \
		-o "KnownHostsCommand=$cmd" -p "$PORT" nobody@127.0.0.1 true \
		>"$TMPROOT/ssh.$1.out" 2>"$TMPROOT/ssh.$1.err"
	if grep -qE "KnownHostsCommand.*(failed|status)" "$TMPROOT/ssh.$1.err"; then
		echo "    $1: KnownHostsCommand failed"
		sed 's/^/    /' "$TMPROOT/ssh.$1.err"
		return 2
	fi
	# Past host-key checking, auth fails: no identity is offered.
	if grep -q "Permission denied" "$TMPROOT/ssh.$1.err"; then return 0; fi
	if grep -q "Host key verification failed" "$TMPROOT/ssh.$1.err"; then return 1; fi
	sed 's/^/    /' "$TMPROOT/ssh.$1.err"
	return 3
}
accepted() { local rc=0; try "$1" || rc=$?; if [ $rc -eq 0 ]; then pass "$1: accepted"; else fail "$1: not accepted (rc $rc)"; sed 's/^/    /' "$TMPROOT/ssh.$1.err"; fi; }
refused() { local rc=0; try "$1" || rc=$?; if [ $rc -eq 1 ]; then pass "$1: Host key verification failed"; else fail "$1: not refused as expected (rc $rc)"; fi; }

pub() { cut -d' ' -f1,2 "$SRV/$1.pub"; }

new_root known_hosts
echo "[127.0.0.1]:$PORT $(pub host_ed25519)" > "$R/etc/ssh/ssh_known_hosts"
accepted known_hosts

new_root known_hosts_user_hashed
mkdir -p "$H/.ssh"
echo "[127.0.0.1]:$PORT $(pub host_ecdsa)" > "$H/.ssh/known_hosts"
ssh-keygen -q -H -f "$H/.ssh/known_hosts" >/dev/null 2>&1; rm -f "$H/.ssh/known_hosts.old"
accepted known_hosts_user_hashed

new_root ssh2_plain
ssh-keygen -e -f "$SRV/host_ecdsa.pub" > "$R/etc/ssh2/hostkeys/key_${PORT}_127.0.0.1.pub"
accepted ssh2_plain

new_root ssh2_hashed
salt=$(openssl rand -hex 32)
echo "$salt" > "$H/.ssh2/hostkeys/salt"
h=$(printf '%s' "$PORT:127.0.0.1" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$salt" -r | cut -d' ' -f1)
pub host_rsa > "$H/.ssh2/hostkeys/keys_$h"
accepted ssh2_hashed

new_root wrong_key
echo "[127.0.0.1]:$PORT $(pub other_ed25519)" > "$R/etc/ssh/ssh_known_hosts"
refused wrong_key

new_root revoked
{
	echo "[127.0.0.1]:$PORT $(pub host_ed25519)"
	echo "@revoked * $(pub host_ed25519)"
} > "$R/etc/ssh/ssh_known_hosts"
refused revoked

new_root revoked_in_other_source
echo "[127.0.0.1]:$PORT $(pub host_ed25519)" > "$R/etc/ssh/ssh_known_hosts"
pub host_ed25519 > "$R/etc/ssh2/hostkeys/key_${PORT}_127.0.0.1.pub"
echo "ssh_hostkeys: ssh2 files" > "$R/etc/nsswitch.conf"
printf '@revoked * %s\n' "$(pub host_ed25519)" >> "$R/etc/ssh/ssh_known_hosts"
refused revoked_in_other_source

new_root unknown
refused unknown

# Control: a command that does fail is seen as such, so the checks above
# that it never fails can fail.
new_root control
rc=0; BROKEN_KHC="$SHK_CLI known-hosts --no-such-option %H" try control || rc=$?
if [ $rc -eq 2 ]; then pass "control: a failing KnownHostsCommand is detected"; else fail "control: rc $rc"; fi

t_done
