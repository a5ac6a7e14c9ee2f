#!/bin/bash
# SPDX-License-Identifier: MIT
# OpenSSH's port fallback through KnownHostsCommand, side by side with ssh
# reading the same lines as a file. On a port other than 22 ssh looks up
# "[host]:port", and when that finds nothing retries the bare "host" (only
# to accept: a portless entry with another key never makes a key changed).
# ssh does not run KnownHostsCommand for that retry, so sshhostkeys must
# give those entries under %H itself. For each case, real ssh runs against
# a real sshd on 127.0.0.1 and a high port twice: once with the content as
# UserKnownHostsFile, once with it in a store and the shipped
# KnownHostsCommand line (as built). Both verdicts must be the expected one.
# Also: a HostKeyAlias starting with "-" (the shipped line's "--"), and
# known-hosts with its standard output closed early (exit 0).
. "$(dirname "$0")/lib.sh"

command -v ssh >/dev/null || skip_all "no ssh"
getent hosts localhost | grep -q '^127\.0\.0\.1' || skip_all "localhost is not 127.0.0.1"

# A host certificate for the ed25519 key, for the @cert-authority cases.
sshd_setup() {
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/ca"
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/other_ca"
	ssh-keygen -q -t ed25519 -N '' -C '' -f "$SRV/other_ed25519"
	ssh-keygen -q -s "$SRV/ca" -I e2e -h -n localhost "$SRV/host_ed25519.pub"
	echo "HostCertificate $SRV/host_ed25519-cert.pub" >>"$SRV/sshd_config"
}
. "$(dirname "$0")/sshd-lib.sh"

CONF="$top_builddir/conf/ssh_config.d/50-sshhostkeys.conf"
KHC=$(sed -n 's/^[[:space:]]*KnownHostsCommand[[:space:]]*//p' "$CONF")
case "$KHC" in
*"/sshhostkeys known-hosts "*) ;;
*) fail "shipped KnownHostsCommand line not found in $CONF"; t_done; exit ;;
esac

pub() { cut -d' ' -f1,2 "$SRV/$1.pub"; }

# verdict_of ERRFILE: what ssh decided, from its messages.
verdict_of() {
	# ssh's final word first: a failed retry under the bare name logs its
	# own verdict before ssh calls the host new.
	if grep -qE "KnownHostsCommand.*(failed|status)" "$1"; then echo command-failed
	elif grep -q "Permission denied" "$1"; then echo accepted
	elif grep -q "host key is known for .* requested strict checking" "$1"; then echo new
	elif grep -q "REVOKED HOST KEY" "$1"; then echo revoked
	elif grep -q "HOST IDENTIFICATION HAS CHANGED" "$1"; then echo changed
	else echo "unexpected"
	fi
}

# run_ssh TAG HOST OPTION...: one connection; prints the verdict. Past
# host-key checking, authentication fails: no identity is offered.
run_ssh() {
	local tag=$1 host=$2
	shift 2
	HOME=$TMPROOT/home timeout 20 ssh -F /dev/null -n -o AddressFamily=inet \
		-o StrictHostKeyChecking=yes -o GlobalKnownHostsFile=/dev/null \
		-o BatchMode=yes -o ConnectTimeout=10 -o IdentitiesOnly=yes \
		-o IdentityFile=/dev/null -o UpdateHostKeys=no "$@" \
		-p "$PORT" "nobody@$host" true >/dev/null 2>"$TMPROOT/$tag.err"
	verdict_of "$TMPROOT/$tag.err"
}

# side_by_side NAME EXPECTED HOST CONTENT [SSH OPTION...]: the same lines
# as ssh's file and as the store behind the shipped command. EXPECTED may
# be "FILE/COMMAND" where the two differ on purpose.
side_by_side() {
	local name=$1 want=$2 host=$3 root=$TMPROOT/root.$1 cmd vf vc
	mkdir -p "$root/etc/ssh" "$TMPROOT/home"
	echo "ssh_hostkeys: files ssh2" >"$root/etc/nsswitch.conf"
	printf '%s\n' "$4" >"$root/etc/ssh/ssh_known_hosts"
	shift 4
	cp "$root/etc/ssh/ssh_known_hosts" "$TMPROOT/$name.file"
	chmod a-w "$TMPROOT/$name.file"
	cmd=${KHC/*\/sshhostkeys known-hosts/$SHK_CLI --root $root known-hosts}
	vf=$(run_ssh "$name.file" "$host" "$@" -o "UserKnownHostsFile=$TMPROOT/$name.file")
	vc=$(run_ssh "$name.command" "$host" "$@" -o UserKnownHostsFile=/dev/null \
		-o "KnownHostsCommand=$cmd")
	if [ "$vf/$vc" = "$want" ] || { [ "$vf" = "$want" ] && [ "$vc" = "$want" ]; }; then
		pass "$name: file $vf, command $vc"
	else
		fail "$name: file $vf, command $vc (wanted $want)"
		sed 's/^/    file: /' "$TMPROOT/$name.file.err"
		sed 's/^/    command: /' "$TMPROOT/$name.command.err"
	fi
}

CERT=(-o HostKeyAlgorithms=ssh-ed25519-cert-v01@openssh.com)
PLAIN=(-o HostKeyAlgorithms=ssh-ed25519)

K=$(pub host_ed25519)
side_by_side plain accepted localhost "localhost $K" "${PLAIN[@]}"
side_by_side pattern accepted localhost "localh* $K" "${PLAIN[@]}"
side_by_side ip accepted 127.0.0.1 "127.0.0.1 $K" "${PLAIN[@]}"
side_by_side ca accepted localhost "@cert-authority localhost $(pub ca)" "${CERT[@]}"
# A portless entry holding another key: still new, never changed.
side_by_side other_key new localhost "localhost $(pub other_ed25519)" "${PLAIN[@]}"
side_by_side other_key_pattern new localhost "localh* $(pub other_ed25519)" "${PLAIN[@]}"
side_by_side other_ip new 127.0.0.1 "127.0.0.1 $(pub other_ed25519)" "${PLAIN[@]}"
side_by_side other_ca new localhost "@cert-authority localhost $(pub other_ca)" "${CERT[@]}"
# An entry for the port decides; the portless one is not consulted.
side_by_side port_entry_decides changed localhost \
	"[localhost]:$PORT $(pub other_ed25519)
localhost $K" "${PLAIN[@]}"
# Known on the port with another type only: ssh says changed either way.
side_by_side port_other_type changed localhost \
	"[localhost]:$PORT $(pub host_ecdsa)
localhost $K" "${PLAIN[@]}"
# The certificate's plain key known without a port: ssh falls back to it.
side_by_side cert_plain_key accepted localhost "localhost $K" "${CERT[@]}"
# A portless revocation: ssh reading a file calls the host new (its retry
# fails), sshhostkeys prints the revocation under %H: refused either way.
side_by_side revoked_portless new/revoked localhost \
	"localhost $K
@revoked localhost $K" "${PLAIN[@]}"
# A portless revocation of the CA voids the portless CA line; the plain
# key is not revoked by it, and is not known: new either way.
side_by_side revoked_ca_portless new localhost \
	"@cert-authority localhost $(pub ca)
@revoked localhost $(pub ca)" "${CERT[@]}"

# HostKeyAlias starting with "-": without "--" the command took it for
# options, exited 2, and ssh aborted the connection.
side_by_side alias_dash accepted 127.0.0.1 "-foo $K" "${PLAIN[@]}" -o HostKeyAlias=-foo

# Standard output closed before known-hosts writes: still exit 0.
root=$TMPROOT/root.plain
echo "[localhost]:$PORT $(pub host_ed25519)" >>"$root/etc/ssh/ssh_known_hosts"
closed_stdout() {
	python3 -c 'import os, subprocess, sys
r, w = os.pipe()
os.close(r)
sys.exit(subprocess.call(sys.argv[1:], stdout=w, stderr=subprocess.DEVNULL))' "$@"
}
expect_rc 0 "known-hosts: exit 0 when ssh closed the pipe (EPIPE)" \
	closed_stdout "$SHK_CLI" --root "$root" known-hosts -p "$PORT" -t NONE -K NONE -- \
	"[localhost]:$PORT"
expect_rc 2 "known-hosts: exit 2 for a wrong command line, stdout closed or not" \
	closed_stdout "$SHK_CLI" --root "$root" known-hosts --no-such-option "[localhost]:$PORT"

t_done
