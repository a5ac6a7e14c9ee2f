#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the seed corpora in fuzz/corpus/<target>/ from real files:
# keys made by ssh-keygen here (every type, one-line and RFC 4716 export,
# a host certificate), a known_hosts file hashed by ssh-keygen -H, the
# test fixtures (themselves ssh-keygen output) and the example store.
set -eu
cd "$(dirname "$0")"
top=..
c=corpus
# Only the corpora made here: khindex and ssh2sum seeds are kept as they are.
for t in base64 conf hostpattern hostspec keyblob keyfile keyline knownhosts \
	nsswitch ssh2name ecpoint; do
	rm -rf "${c:?}/$t"
	mkdir -p "$c/$t"
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Fresh keys of every type ssh-keygen makes, and their RFC 4716 exports.
for spec in rsa:3072 rsa:1024 dsa: ecdsa:256 ecdsa:384 ecdsa:521 ed25519:; do
	t=${spec%%:*} b=${spec#*:}
	n=$t$b
	ssh-keygen -q -t "$t" ${b:+-b "$b"} -N '' -C "$n@corpus.example" -f "$tmp/$n"
	ssh-keygen -e -f "$tmp/$n.pub" >"$tmp/$n.rfc"
done
ssh-keygen -q -t ed25519 -N '' -C ca -f "$tmp/ca"
ssh-keygen -q -s "$tmp/ca" -I host -h -n host.example.com "$tmp/ed25519.pub"

# A known_hosts file as ssh-keyscan/ssh write it, then hashed by ssh-keygen.
kh=$tmp/known_hosts
{
	printf 'host.example.com,10.0.0.1 %s\n' "$(cut -d' ' -f1,2 "$tmp/ed25519.pub")"
	printf '[host.example.com]:2222 %s\n' "$(cut -d' ' -f1,2 "$tmp/ecdsa256.pub")"
	printf '*.example.org,!bad.example.org %s\n' "$(cut -d' ' -f1,2 "$tmp/rsa3072.pub")"
	printf '@cert-authority *.example.com %s\n' "$(cut -d' ' -f1,2 "$tmp/ca.pub")"
	printf '@revoked * %s\n' "$(cut -d' ' -f1,2 "$tmp/dsa.pub")"
	printf '# comment\n\n[::1]:22 %s\n' "$(cut -d' ' -f1,2 "$tmp/ecdsa521.pub")"
} >"$kh"
cp "$kh" "$c/knownhosts/generated"
cp "$kh" "$tmp/kh2" && ssh-keygen -q -H -f "$tmp/kh2" 2>/dev/null
cp "$tmp/kh2" "$c/knownhosts/generated-hashed"
i=0
for f in "$top"/tests/data/kh/*known_hosts "$top"/tests/data/kh/hashed \
	"$top"/examples/root/etc/ssh/ssh_known_hosts "$top"/examples/home/.ssh/known_hosts; do
	i=$((i + 1))
	cp "$f" "$c/knownhosts/fixture$i"
done

# Key files and one-line keys.
i=0
for f in "$tmp"/*.pub "$tmp"/*.rfc "$top"/tests/data/keys/*.pub "$top"/tests/data/keys/*.rfc \
	"$top"/tests/data/keys/mixed.keys "$top"/tests/data/ssh2/*.rfc \
	"$top"/examples/root/etc/ssh2/hostkeys/key_* "$top"/examples/home/.ssh2/hostkeys/keys_*; do
	i=$((i + 1))
	cp "$f" "$c/keyfile/k$i"
	case $f in *.pub) cp "$f" "$c/keyline/k$i" ;; esac
done

# Blobs: byte 0 picks the claimed type (0xff: the blob's own), then the blob.
i=0
for f in "$tmp"/*.pub "$top"/tests/data/keys/*.pub; do
	i=$((i + 1))
	b64=$(cut -d' ' -f2 "$f")
	{ printf '\377'; printf '%s' "$b64" | base64 -d 2>/dev/null; } >"$c/keyblob/b$i" || true
	printf '%s' "$b64" >"$c/base64/b$i"
done

# EC points: the last string of the fixtures' ECDSA blobs (type and
# curve name take 39 bytes with their lengths).
for n in 256 384 521; do
	cut -d' ' -f2 "$top/tests/data/keys/ecdsa$n.pub" | base64 -d | tail -c +40 \
		>"$c/ecpoint/p$n"
done

# Host field against name: "NAME\nFIELD".
i=0
while read -r name field; do
	i=$((i + 1))
	printf '%s\n%s' "$name" "$field" >"$c/hostpattern/p$i"
done <<'PAIRS'
host.example.com host.example.com,10.0.0.1
[host.example.com]:2222 [host.example.com]:2222
a.example.org *.example.org,!bad.example.org
bad.example.org *.example.org,!bad.example.org
[::1]:22 [::1]:22
10.1.2.3 10.1.?.*
x ?
PAIRS
while read -r line; do
	i=$((i + 1))
	printf 'alpha.example.com\n%s' "${line%% *}" >"$c/hostpattern/p$i"
done <"$tmp/kh2"

# Host specs.
i=0
for s in host.example.com HOST.Example.COM '[host.example.com]:2222' host#2222 \
	10.0.0.1 '[10.0.0.1]:22' ::1 '[::1]:2222' 'fe80::1%eth0' '[fe80::1%eth0]:22' \
	0x7f.1 host. a.b.c.d.e 'a..b' '../etc' '[h]' '[h]:' 'h#' 'h#0' 'h#65536'; do
	i=$((i + 1))
	printf '%s' "$s" >"$c/hostspec/s$i"
done

# Store names and salts.
i=0
for s in key_22_host.example.com.pub key_2222_10.0.0.1.pub 'key_22_::1.pub' \
	keys_c92413e354c34641b190758d35d0432770f8a330091bd2b132b4b124db8b86d8 \
	keys_0123456789abcdef0123456789abcdef01234567 salt key_22_.pub key_0_x.pub; do
	i=$((i + 1))
	printf '%s' "$s" >"$c/ssh2name/n$i"
done
cp "$top"/examples/home/.ssh2/hostkeys/salt "$c/ssh2name/salt-example"
od -An -tx1 -N32 /dev/urandom | tr -d ' \n' >"$c/ssh2name/salt-random"

# nsswitch.conf images and sshhostkeys.conf files.
cp "$top"/examples/root/etc/nsswitch.conf "$c/nsswitch/example"
[ -f /etc/nsswitch.conf ] && cp /etc/nsswitch.conf "$c/nsswitch/debian"
printf 'passwd: files\nssh_hostkeys: files [NOTFOUND=return] ssh2 [!UNAVAIL=continue]\n' \
	>"$c/nsswitch/actions"
printf 'ssh_hostkeys:\n' >"$c/nsswitch/empty"
printf 'ssh_hostkeys: files [SUCCESS=continue TRYAGAIN=return] ssh2 files # c\n' \
	>"$c/nsswitch/twice"
cp "$top"/conf/sshhostkeys.conf "$c/conf/shipped"
cp "$top"/examples/root/etc/sshhostkeys.conf "$c/conf/example"
printf 'policy = accept-new\nhost_key_format = plain\nuser_known_hosts = ~/.ssh/a ~/.ssh/b\nbogus = 1\n' \
	>"$c/conf/all"
