#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the known_hosts fixtures with the real ssh-keygen. Run from
# anywhere; writes next to this script. Keys are fresh on every run, so
# the tests read the keys from the .pub files instead of hard-coding them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

gen() { ssh-keygen -q -t "$1" ${3:+-b "$3"} -N '' -C "$2" -f "$2" >/dev/null; }
gen ed25519 ed25519
gen ed25519 ed25519b
gen ecdsa ecdsa 256
gen rsa rsa 2048
gen ed25519 ca
gen ed25519 revoked
for k in ed25519 ed25519b ecdsa rsa ca revoked; do
	cut -d' ' -f1,2 "$k.pub" >"$here/$k.pub"
done
key() { cat "$here/$1.pub"; }

# One name per line: line N of hashed matches line N of hashed.names.
cat >names <<'NAMES'
alpha
alpha.example.com
10.1.54.1
[alpha.example.com]:222
::1
[::1]:2222
[10.1.54.1]:2222
gamma
[gamma]:2200
NAMES
: >hashed
while read -r n; do
	printf '%s %s\n' "$n" "$(key ed25519)" >>hashed
done <names
ssh-keygen -q -H -f hashed >/dev/null 2>&1
cp names "$here/hashed.names"
cp hashed "$here/hashed"

# Hashed entries for the module fixture.
printf 'gamma %s\n[gamma]:2200 %s\n' "$(key ed25519b)" "$(key ecdsa)" >gamma
ssh-keygen -q -H -f gamma >/dev/null 2>&1

# ~/.ssh/known_hosts of check_files_module; line numbers matter there.
{
	echo '# user known_hosts for check_files_module'
	echo "alpha $(key ed25519) alpha-ed"
	echo "alpha.example.com,10.1.54.1 $(key ecdsa)"
	echo "[alpha.example.com]:222 $(key ed25519b)"
	echo "*.wild.example,!bad.wild.example $(key rsa)"
	echo "@revoked alpha $(key revoked)"
	echo "@cert-authority *.example.com $(key ca) the CA"
	echo "alpha ssh-ed25519 AAAAbroken"
	echo "beta this-is-not-a-line"
	cat gamma
	echo "[::1]:2222 $(key ed25519b)"
	echo "::1 $(key ed25519)"
} >"$here/user_known_hosts"

# /etc/ssh/ssh_known_hosts of check_files_module.
{
	echo "alpha $(key ecdsa) system"
	echo "delta	$(key rsa | tr ' ' '\t')"
} >"$here/ssh_known_hosts"

# Planted as a world-writable ssh_known_hosts2: must never be read.
echo "alpha $(key rsa) untrusted" >"$here/untrusted_known_hosts"
