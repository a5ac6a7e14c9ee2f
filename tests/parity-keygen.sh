#!/bin/bash
# SPDX-License-Identifier: MIT
# Parity with OpenSSH: for each query, the set of "TYPE BASE64" keys that
# `ssh-keygen -F NAME -f FILE` prints for the user and the system file
# must equal the set `sshhostkeys lookup` prints on the same files (port
# fallback keys are never printed by either). The port-fallback check at
# the end drives the module directly through tests/kh-lookup.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v ssh-keygen >/dev/null 2>&1 || skip_all "ssh-keygen not installed"
KH_LOOKUP=${KH_LOOKUP:-$top_builddir/tests/kh-lookup}
[ -x "$KH_LOOKUP" ] || skip_all "$KH_LOOKUP not built"

umask 022
ROOT=$TMPROOT/root
UHOME=$ROOT/home/u
mkdir -p "$UHOME/.ssh" "$ROOT/etc/ssh" "$TMPROOT/keys"
chmod 0755 "$ROOT" "$ROOT/home" "$UHOME" "$UHOME/.ssh" "$ROOT/etc" "$ROOT/etc/ssh"
USER_KH=$UHOME/.ssh/known_hosts
SYS_KH=$ROOT/etc/ssh/ssh_known_hosts

key() {
	local f=$TMPROOT/keys/$1
	[ -f "$f.pub" ] || ssh-keygen -q -t "$2" ${3:+-b "$3"} -N '' -C '' -f "$f" >/dev/null
	cut -d' ' -f1,2 "$f.pub"
}
ED=$(key ed ed25519)
ED2=$(key ed2 ed25519)
EC=$(key ec ecdsa 256)
EC384=$(key ec384 ecdsa 384)
RSA=$(key rsa rsa 2048)
CA=$(key ca ed25519)
REV=$(key rev ed25519)
TAB=$(printf '\t')

# Hashed lines come from ssh-keygen -H, which refuses files with bad
# lines, so they are hashed apart and appended.
hashed() {
	local f=$TMPROOT/hash.$$
	cat >"$f"
	ssh-keygen -q -H -f "$f" >/dev/null 2>&1 || fail "ssh-keygen -H"
	cat "$f"
	rm -f "$f" "$f.old"
}

{
	echo "# user known_hosts"
	echo "alpha $ED"
	echo "alpha.example.com,10.1.54.1 $EC first comment"
	echo "[alpha.example.com]:222 $ED2"
	echo "*.wild.example,!bad.wild.example $RSA"
	echo "host?.q.example $EC384"
	echo "[127.0.0.?]:22777 $ED2"
	echo "*.neg.example,!*.x.neg.example $ED"
	echo "y.x.neg.example $EC"
	echo "@revoked alpha $REV"
	echo "@cert-authority *.example.com $CA"
	echo "  @cert-authority   [*.example.com]:*   $ED2"
	echo "::1 $ED"
	echo "[::1]:2222 $EC"
	echo "[fe80::1%eth0]:2222 $RSA"
	echo "MiXeD.Case.EXAMPLE $ED"
	echo " ${TAB} tabs.example${TAB}${ED/ /$TAB}${TAB}tab comment"
	printf 'crlf.example %s\r\n' "$EC"
	echo "@revoked${TAB}alpha $ED2"
	echo "@revoked${TAB}tabonly.example${TAB}${REV/ /$TAB}"
	echo "@bogus alpha $ED2"
	echo "@revoked @revoked alpha $ED2"
	echo "alpha"
	echo "alpha 1024 35 12345678901234567890"
	echo "alpha #$ED2"
	echo "comment.example $ED # a comment with # signs"
	echo "[beta]:2200,beta $EC"
	echo "*:2200 $RSA"
	echo "!nothing $EC384"
	printf 'gamma %s\n[gamma]:2200 %s\n10.9.8.7 %s\n[delta.example]:2222 %s\nalpha %s\n' \
		"$ED" "$EC" "$ED2" "$RSA" "$EC384" | hashed
	echo "|1|AAAA|AAAA $ED2"
	echo "|2|$ED2"
} >"$USER_KH"

{
	echo "alpha $EC384 system"
	echo "delta ${RSA/ /$TAB}"
	echo "*.example.com,!secret.example.com $ED2"
	printf 'epsilon %s\n[epsilon]:2022 %s\n' "$ED" "$EC" | hashed
	echo "@revoked *.wild.example $REV"
} >"$SYS_KH"

# What ssh-keygen prints, reduced to "TYPE BASE64" (markers dropped).
keygen_keys() {
	local name=$1 f
	for f in "$USER_KH" "$SYS_KH"; do
		ssh-keygen -F "$name" -f "$f" 2>/dev/null | grep -v '^#' | tr -d '\r' |
			awk '{ if ($1 ~ /^@/) print $3 " " $4; else print $2 " " $3 }'
	done | sort -u
}

echo "ssh_hostkeys: files" >"$ROOT/etc/nsswitch.conf"
ours() {
	HOME=$UHOME "$SHK_CLI" --root "$ROOT" lookup -p "$2" "$1" 2>/dev/null |
		awk '{ if ($1 ~ /^@/) print $3 " " $4; else print $2 " " $3 }' | sort -u
}
# Whether ssh-keygen finds a line that is not a revocation: then the host
# is known and lookup must exit 0.
keygen_known() {
	local f
	for f in "$USER_KH" "$SYS_KH"; do
		ssh-keygen -F "$1" -f "$f" 2>/dev/null | grep -v '^#' | grep -qv '^@revoked' && return 0
	done
	return 1
}

# Host as the user types it, port; the known_hosts name is derived as
# ssh does: lowercase, [host]:port when the port is not 22.
QUERIES="
alpha 22
alpha 2222
ALPHA 22
Alpha.Example.COM 22
alpha.example.com 222
alpha.example.com 2222
secret.example.com 22
10.1.54.1 22
x.wild.example 22
bad.wild.example 22
hostA.q.example 22
host12.q.example 22
127.0.0.1 22777
127.0.0.10 22777
a.neg.example 22
y.x.neg.example 22
::1 22
::1 2222
fe80::1%eth0 2222
mixed.case.example 22
tabs.example 22
crlf.example 22
tabonly.example 22
comment.example 22
beta 22
beta 2200
unrelated 2200
gamma 22
gamma 2200
10.9.8.7 22
delta.example 2222
delta 22
epsilon 22
epsilon 2022
nothing 22
somethingelse 22
nobody 22
"

n_found=0
while read -r host port; do
	[ -n "$host" ] || continue
	lc=$(printf '%s' "$host" | tr 'A-Z' 'a-z')
	if [ "$port" = 22 ]; then name=$lc; else name="[$lc]:$port"; fi
	want=$(keygen_keys "$name")
	got=$(ours "$host" "$port")
	[ -n "$want" ] && n_found=$((n_found + 1))
	if [ "$want" = "$got" ]; then
		pass "$name: $(printf '%s' "$want" | grep -c .) keys"
	else
		fail "$name"
		echo "  ssh-keygen -F:"
		printf '%s\n' "$want" | sed 's/^/    /'
		echo "  sshhostkeys lookup:"
		printf '%s\n' "$got" | sed 's/^/    /'
	fi
	rc=0
	HOME=$UHOME "$SHK_CLI" --root "$ROOT" lookup -p "$port" "$host" >/dev/null 2>&1 || rc=$?
	if keygen_known "$name"; then exp=0; else exp=1; fi
	[ "$rc" -eq "$exp" ] || fail "$name: exit $rc, wanted $exp"
done <<EOF
$QUERIES
EOF

# The queries must exercise both outcomes, or the comparison proves little.
check "some queries found keys" [ "$n_found" -ge 20 ]
check "some queries found nothing" [ "$n_found" -le 32 ]

# Port fallback: ssh-keygen -F never applies it, the module offers it
# only as fallback keys (-f): every portless entry ssh's retry under the
# bare name would weigh, its @revoked lines included.
check "fallback keys for [alpha]:2222" \
	[ "$("$KH_LOOKUP" -f "$ROOT" "$UHOME" alpha 2222 2>/dev/null | sort -u)" = "$(keygen_keys alpha)" ]

t_done
