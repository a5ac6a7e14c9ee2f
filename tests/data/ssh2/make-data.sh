#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the ssh2 store fixtures: real host keys from ssh-keygen, their
# RFC 4716 forms (ssh-keygen -e) and a file holding several RFC 4716 blocks.
# Run from anywhere; writes next to this script.
set -eu
cd "$(dirname "$0")"
rm -f host_*.pub host_*.rfc multi.rfc
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for t in ed25519 ecdsa rsa; do
	case $t in
	rsa) bits="-b 2048" ;;
	ecdsa) bits="-b 256" ;;
	*) bits="" ;;
	esac
	# shellcheck disable=SC2086
	ssh-keygen -q -t "$t" $bits -N '' -C "host-$t@ssh2.test" -f "$tmp/host_$t"
	cp "$tmp/host_$t.pub" "host_$t.pub"
	ssh-keygen -e -f "$tmp/host_$t.pub" >"host_$t.rfc"
done
cat host_ed25519.rfc host_ecdsa.rfc host_rsa.rfc >multi.rfc
