#!/bin/bash
# SPDX-License-Identifier: MIT
# export: one known_hosts file from both modules of a temporary root.
# ssh-keygen -F finds every host in it (plain and --hash); @revoked lines
# are kept and revoked keys never exported as trusted, also where a plain
# entry carries them; @cert-authority is kept; names are lowercased;
# hashed ssh2 files are counted (exit 1) unless --host/--hosts-from
# name them;
# identical lines are written once; --out is atomic; the 16 MiB warning;
# and a real ssh with UserKnownHostsFile=<export> passes host-key checking
# against the real sshd.
. "$(dirname "$0")/lib.sh"

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$R/etc/ssh2/hostkeys" "$HOME/.ssh2/hostkeys" "$HOME/.ssh"

for n in a b c d ca rev; do ssh-keygen -q -t ed25519 -N '' -C '' -f "$K/$n"; done
ssh-keygen -q -t ecdsa -N '' -C '' -f "$K/e"
b64() { cut -d' ' -f2 "$K/$1.pub"; }

hashed_line=$(printf 'h.example %s\n' "$(pub c)" > "$TMPROOT/h" && ssh-keygen -q -H -f "$TMPROOT/h" >/dev/null 2>&1 && cat "$TMPROOT/h")
cat > "$R/etc/ssh/ssh_known_hosts" <<KH
# system file
a.example,10.0.0.1 $(pub a)
[b.example]:2222 $(pub b)
*.wild.example $(pub d)
$hashed_line
@cert-authority *.ca.example $(pub ca)
@revoked * $(pub rev)
victim.example $(pub rev)
a.example,10.0.0.1 $(pub a)
Mixed.Example $(pub b)
KH
echo "e.example $(pub e)" > "$HOME/.ssh/known_hosts"
ssh-keygen -e -f "$K/c.pub" > "$HOME/.ssh2/hostkeys/key_2200_c.example.pub"
pub d > "$R/etc/ssh2/hostkeys/key_22_d.example.pub"

EXP=$TMPROOT/export
rc=0; cli export > "$EXP" || rc=$?
check "export: exit 0" test $rc -eq 0

# find NAME KEY FILE: ssh-keygen -F finds NAME in FILE with KEY.
find_key() { ssh-keygen -F "$1" -f "$3" 2>/dev/null | grep -v '^#' | grep -q " $(b64 "$2")\$"; }
for nk in a.example:a 10.0.0.1:a "[b.example]:2222":b h.example:c "[c.example]:2200":c \
	d.example:d e.example:e x.wild.example:d; do
	check "plain export: ssh-keygen -F ${nk%:*}" find_key "${nk%:*}" "${nk##*:}" "$EXP"
done
check "@cert-authority kept" grep -q "^@cert-authority \*.ca.example $(pub ca)\$" "$EXP"
check "@revoked line kept" grep -q "^@revoked \* $(pub rev)\$" "$EXP"
check "revoked key never exported as trusted" \
	sh -c "! grep -v '^@revoked ' '$EXP' | grep -q '$(b64 rev)'"
check "names lowercased" grep -q "^mixed.example $(pub b)\$" "$EXP"
check "ssh-keygen -F mixed.example" find_key mixed.example b "$EXP"
n=$(grep -c "^a.example,10.0.0.1 " "$EXP")
check "identical lines written once (got $n)" test "$n" -eq 1
check "ports as [host]:port" grep -q "^\[c.example\]:2200 " "$EXP"
check "no comments in the export" sh -c "! grep -q '^#' '$EXP'"

# --hash, to a file.
HEXP=$TMPROOT/export.hashed
echo "old contents" > "$HEXP"
rc=0; cli export --hash --out "$HEXP" || rc=$?
check "export --hash --out: exit 0" test $rc -eq 0
for nk in a.example:a 10.0.0.1:a "[b.example]:2222":b h.example:c "[c.example]:2200":c \
	d.example:d e.example:e x.wild.example:d; do
	check "hashed export: ssh-keygen -F ${nk%:*}" find_key "${nk%:*}" "${nk##*:}" "$HEXP"
done
check "hashed: no plain name left" sh -c "! grep -Eq '^(a|e|d)\.example|^\[' '$HEXP'"
check "hashed: patterns kept as they are" grep -q "^\*.wild.example " "$HEXP"
check "hashed: a mixed-case name is found as ssh asks (lowercase)" find_key mixed.example b "$HEXP"
check "hashed: @revoked kept" grep -q "^@revoked \* $(pub rev)\$" "$HEXP"
check "hashed: a,b split into one line per name" test "$(grep -c " $(b64 a)\$" "$HEXP")" -eq 2
salts=$(grep '^|1|' "$HEXP" | cut -d'|' -f3 | sort -u | wc -l)
check "hashed: a fresh salt per line" test "$salts" -eq "$(grep -c '^|1|' "$HEXP")"
check "--out replaced the old file" sh -c "! grep -q 'old contents' '$HEXP'"
check "--out: mode 0644" test "$(stat -c %a "$HEXP")" = 644
check "--out: no temporary file left" test "$(ls "$TMPROOT" | grep -c '^export.hashed')" -eq 1
expect_rc 2 "export to a missing directory: exit 2" cli export --out "$TMPROOT/no/such/file"
expect_rc 2 "stray argument: exit 2" cli export extra

# Nothing configured: an empty file, exit 0.
EMPTY=$TMPROOT/empty
mkdir -p "$EMPTY/etc"
echo "ssh_hostkeys: files" > "$EMPTY/etc/nsswitch.conf"
rc=0; HOME=$EMPTY "$SHK_CLI" --root "$EMPTY" export > "$TMPROOT/empty.out" || rc=$?
check "empty stores: exit 0" test $rc -eq 0
check "empty stores: empty export" test ! -s "$TMPROOT/empty.out"

# Hashed ssh2 files: their names hide the host, so export counts them and
# exits 1 unless a name reaches them (--host, --hosts-from).
HR=$TMPROOT/hr
mkdir -p "$HR/etc/ssh" "$HR/home"
echo "ssh_hostkeys: files ssh2" > "$HR/etc/nsswitch.conf"
echo "named.example $(pub a)" > "$HR/etc/ssh/ssh_known_hosts"
hcli() { HOME=$HR/home "$SHK_CLI" --root "$HR" "$@"; }
hcli add secret.example "$K/b.pub" >/dev/null
hcli add -p 2222 Other.Example "$K/c.pub" >/dev/null
check "add wrote hashed files" test "$(ls "$HR/home/.ssh2/hostkeys" | grep -c '^keys_')" -eq 2
rc=0; hcli export > "$TMPROOT/h1" 2> "$TMPROOT/h1.err" || rc=$?
check "hashed files unnamed: exit 1" test $rc -eq 1
check "... the count on stderr" grep -q "left out 2 hashed files" "$TMPROOT/h1.err"
check "... the named entries still written" grep -q "^named.example $(pub a)\$" "$TMPROOT/h1"
check "... the hidden keys not" sh -c "! grep -q '$(b64 b)\|$(b64 c)' '$TMPROOT/h1'"
rc=0; hcli -v export > /dev/null 2> "$TMPROOT/h1v.err" || rc=$?
check "-v lists the files left out" test "$(grep -c 'hostkeys/keys_' "$TMPROOT/h1v.err")" -eq 2
rc=0; hcli export --host secret.example > "$TMPROOT/h2" 2> "$TMPROOT/h2.err" || rc=$?
check "--host resolves one: still exit 1 for the other" test $rc -eq 1
check "... it is written under its name" grep -q "^secret.example $(pub b)\$" "$TMPROOT/h2"
check "... and one is left" grep -q "left out 1 hashed file " "$TMPROOT/h2.err"
printf '# fleet\n\n  secret.example  \n[other.example]:2222\nbad/name\n' > "$TMPROOT/fleet"
rc=0; hcli export --hash --hosts-from "$TMPROOT/fleet" > "$TMPROOT/h3" 2> "$TMPROOT/h3.err" || rc=$?
check "--hosts-from resolves both: exit 0" test $rc -eq 0
check "... a bad name said with FILE:LINE" grep -q "fleet:5: bad host \"bad/name\"" "$TMPROOT/h3.err"
check "... hashed: ssh-keygen -F secret.example" find_key secret.example b "$TMPROOT/h3"
check "... hashed: ssh-keygen -F [other.example]:2222" find_key "[other.example]:2222" c "$TMPROOT/h3"
rc=0; echo "secret.example" | hcli export --hosts-from - --host "[other.example]:2222" > /dev/null || rc=$?
check "--hosts-from - and --host together: exit 0" test $rc -eq 0
expect_rc 2 "--host with a bad name: exit 2" hcli export --host "a b"

# The warning above 16 MiB (libssh reads nothing larger).
BIG=$TMPROOT/big
mkdir -p "$BIG/etc/ssh"
echo "ssh_hostkeys: files" > "$BIG/etc/nsswitch.conf"
ssh-keygen -q -t rsa -b 4096 -N '' -C '' -f "$K/big"
python3 - "$K/big.pub" "$BIG/etc/ssh/ssh_known_hosts" <<'PY'
import sys
t, b = open(sys.argv[1]).read().split()[:2]
with open(sys.argv[2], "w") as f:
    for i in range(24000):
        f.write(f"h{i:06d}.example {t} {b}\n")
PY
"$SHK_CLI" --root "$BIG" export --out "$TMPROOT/big.out" 2>"$TMPROOT/big.err"
check "over 16 MiB: warning" grep -q "more than 16 MiB" "$TMPROOT/big.err"
check "over 16 MiB: still written" test "$(grep -c "^h0" "$TMPROOT/big.out")" -eq 24000
cli export 2>"$TMPROOT/small.err" >/dev/null
check "small export: no warning" test ! -s "$TMPROOT/small.err"

# A real ssh reading only the exported file.
if [ -x /usr/sbin/sshd ] && [ "$(id -u)" -eq 0 ] && command -v ssh >/dev/null; then
	. "$(dirname "$0")/sshd-lib.sh"
	pubs() { cut -d' ' -f1,2 "$SRV/$1.pub"; }
	echo "[127.0.0.1]:$PORT $(pubs host_ed25519)" > "$HOME/.ssh/known_hosts"
	# ssh_try FILE: 0 when host-key checking passed (auth then fails).
	ssh_try() {
		timeout 30 ssh -F /dev/null -n -o StrictHostKeyChecking=yes \
			-o UserKnownHostsFile="$1" -o GlobalKnownHostsFile=/dev/null \
			-o BatchMode=yes -o ConnectTimeout=10 -o IdentitiesOnly=yes \
			-o IdentityFile=/dev/null -p "$PORT" nobody@127.0.0.1 true \
			>/dev/null 2>"$TMPROOT/ssh.err"
		grep -q "Permission denied" "$TMPROOT/ssh.err"
	}
	cli export --out "$TMPROOT/e2e.plain"
	cli export --hash --out "$TMPROOT/e2e.hashed"
	check "ssh accepts the host with the plain export" ssh_try "$TMPROOT/e2e.plain"
	check "ssh accepts the host with the hashed export" ssh_try "$TMPROOT/e2e.hashed"
	# Control: without the host in the export, ssh refuses.
	: > "$HOME/.ssh/known_hosts"
	cli export --out "$TMPROOT/e2e.none"
	rc=0; ssh_try "$TMPROOT/e2e.none" || rc=$?
	check "control: ssh refuses when the export lacks the host" \
		sh -c "[ $rc -ne 0 ] && grep -q 'verification failed' '$TMPROOT/ssh.err'"
else
	echo "# skipping the ssh run: needs root, /usr/sbin/sshd and ssh"
fi

t_done
