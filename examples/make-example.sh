#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the example store used by quickstart.sh. Needs ssh-keygen and
# openssl. The keys are throw-away demo keys; the private halves are deleted.
set -eu
cd "$(dirname "$0")"
rm -rf keys root home
mkdir -p keys root/etc/ssh root/etc/ssh2/hostkeys home/.ssh home/.ssh2/hostkeys

for k in alpha_ed25519:ed25519 alpha_rsa:rsa beta_ecdsa:ecdsa gamma_ed25519:ed25519 \
	delta_ed25519:ed25519 revoked_ed25519:ed25519; do
	name=${k%%:*} type=${k#*:}
	ssh-keygen -q -t "$type" -N '' -C "$name@example" -f "keys/$name"
	rm -f "keys/$name"
done

cat > root/etc/nsswitch.conf <<'NSS'
# Only the ssh_hostkeys line matters to sshhostkeys; glibc ignores it.
passwd:         files
hosts:          files dns
ssh_hostkeys:   files ssh2
NSS

cat > root/etc/sshhostkeys.conf <<'CONF'
# sshhostkeys.conf for the example store: the defaults, written out.
user_known_hosts = ~/.ssh/known_hosts ~/.ssh/known_hosts2
global_known_hosts = /etc/ssh/ssh_known_hosts /etc/ssh/ssh_known_hosts2
user_hostkeys_dir = ~/.ssh2/hostkeys
system_hostkeys_dir = /etc/ssh2/hostkeys
host_key_format = hashed
policy = ask
CONF

# OpenSSH system file: a plain multi-name line, a pattern, and a revocation.
{
	echo "# Example system known_hosts"
	printf 'alpha.example.com,10.1.54.1 %s\n' "$(cut -d' ' -f1,2 keys/alpha_ed25519.pub)"
	printf 'alpha.example.com %s\n' "$(cut -d' ' -f1,2 keys/alpha_rsa.pub)"
	printf '@revoked * %s\n' "$(cut -d' ' -f1,2 keys/revoked_ed25519.pub)"
} > root/etc/ssh/ssh_known_hosts

# User file: a hashed entry for a non-standard port, as Debian's ssh writes.
printf '[beta.example.com]:2222 %s\n' "$(cut -d' ' -f1,2 keys/beta_ecdsa.pub)" \
	> home/.ssh/known_hosts
ssh-keygen -q -H -f home/.ssh/known_hosts
rm -f home/.ssh/known_hosts.old

# Tectia-style system directory: a plain RFC 4716 file for port 222.
ssh-keygen -e -f keys/gamma_ed25519.pub > root/etc/ssh2/hostkeys/key_222_gamma.example.com.pub

# Tectia-style user directory, hashed: salt + keys_<HMAC-SHA256(salt, "22:delta.example.com")>.
salt=$(openssl rand -hex 32)
printf '%s\n' "$salt" > home/.ssh2/hostkeys/salt
h=$(printf '22:delta.example.com' | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$salt" -r | cut -d' ' -f1)
cp keys/delta_ed25519.pub "home/.ssh2/hostkeys/keys_$h"

chmod -R go-w .
echo "example store written"
