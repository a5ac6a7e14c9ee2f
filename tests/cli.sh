#!/bin/bash
# SPDX-License-Identifier: MIT
# The CLI end to end on a temporary root: exit codes, output forms, the
# KnownHostsCommand contract, sources and check.
. "$(dirname "$0")/lib.sh"
command -v ssh-keygen >/dev/null || skip_all "no ssh-keygen"

t_root "files ssh2"
mkdir -p "$R/etc/ssh" "$R/etc/ssh2/hostkeys" "$R$SYSCONF" "$HOME/.ssh"
for k in a b c; do ssh-keygen -q -t ed25519 -N '' -C "k$k" -f "$K/k$k"; done
ssh-keygen -q -t ecdsa -N '' -C ke -f "$K/ke"

{
	echo "# system file"
	echo "alpha.example.com,10.1.54.1 $(pub ka)"
	echo "[alpha.example.com]:2222 $(pub kb)"
	echo "beta.example.com $(pub ke)"
	echo "@revoked * $(pub kc)"
} > "$R/etc/ssh/ssh_known_hosts"

out=$(cli lookup alpha.example.com)
expect_rc 0 "lookup found" cli lookup alpha.example.com
check "lookup prints name and key" grep -qxF "alpha.example.com $(pub ka)" <<<"$out"
check "lookup prints revocations" grep -qxF "@revoked alpha.example.com $(pub kc)" <<<"$out"
check "lookup lowercases names" test "$(cli lookup ALPHA.Example.COM)" = "$out"
out=$(cli lookup -p 2222 alpha.example.com)
check "lookup -p uses [host]:port" grep -qxF "[alpha.example.com]:2222 $(pub kb)" <<<"$out"
check "[host]:port spec equals -p" test "$(cli lookup '[alpha.example.com]:2222')" = "$out"
check "host#port spec equals -p" test "$(cli lookup 'alpha.example.com#2222')" = "$out"
expect_rc 1 "lookup of an unknown host" cli lookup nothere.example.com
expect_rc 2 "lookup refuses a path in a host" cli lookup ../../etc/passwd
expect_rc 2 "lookup refuses conflicting ports" cli lookup -p 22 '[alpha.example.com]:2222'
out=$(cli -v lookup alpha.example.com)
check "-v names the source and line" grep -qF "# source files: $R/etc/ssh/ssh_known_hosts:2" <<<"$out"
out=$(cli lookup -t ssh-ed25519 beta.example.com || true)
check "-t filters key types (revocations stay)" test "$out" = "@revoked beta.example.com $(pub kc)"

expect_rc 0 "verify match" cli verify alpha.example.com "$K/ka.pub"
expect_rc 1 "verify unknown" cli verify nothere.example.com "$K/ka.pub"
expect_rc 3 "verify changed" cli verify alpha.example.com "$K/kb.pub"
expect_rc 4 "verify revoked" cli verify alpha.example.com "$K/kc.pub"
expect_rc 5 "verify other types only" cli verify beta.example.com "$K/ka.pub"
expect_rc 0 "verify TYPE BASE64 as one word" cli verify 10.1.54.1 "$(pub ka)"
expect_rc 0 "verify key on stdin" cli verify alpha.example.com - <"$K/ka.pub"
out=$(cli verify alpha.example.com "$K/kb.pub" || true)
check "verify shows the evidence" grep -qF "$R/etc/ssh/ssh_known_hosts:2" <<<"$out"

# KnownHostsCommand: the exact %H name, exit 0 for unknown and bad hosts.
out=$(cli known-hosts -p 2222 -t NONE -K NONE '[alpha.example.com]:2222')
check "known-hosts names lines with %H" grep -qxF "[alpha.example.com]:2222 $(pub kb)" <<<"$out"
out=$(cli known-hosts -p 2222 -t NONE -K NONE alpha.example.com)
check "known-hosts ORDER with a bare host (OpenSSH < 9.6)" grep -qxF "alpha.example.com $(pub kb)" <<<"$out"
expect_rc 0 "known-hosts exits 0 for an unknown host" cli known-hosts -p 22 nothere.example.com
expect_rc 0 "known-hosts exits 0 for a refused name" cli known-hosts -p 22 'a/b'
expect_rc 2 "known-hosts exits 2 on a wrong command line" cli known-hosts
out=$(cli known-hosts -t ssh-ed25519 beta.example.com)
check "known-hosts never filters by type" grep -qxF "beta.example.com $(pub ke)" <<<"$out"

out=$(cli sources alpha.example.com)
check "sources names the nsswitch line" grep -qF "order from $R/etc/nsswitch.conf:1" <<<"$out"
check "sources shows the files answer" grep -qF "alpha.example.com: SUCCESS, 2 keys" <<<"$out"
rm "$R/etc/nsswitch.conf"
out=$(cli sources)
check "sources without nsswitch.conf shows the default" grep -qF "default order" <<<"$out"
# A malformed ssh_hostkeys line, a FIFO, a directory: every command says
# what is wrong once (file[:line]) and uses the default order; a FIFO is
# not waited on.
printf 'hosts: files\nssh_hostkeys: files [FOO=bar]\n' >"$R/etc/nsswitch.conf"
out=$(cli sources)
check "malformed line: sources says what is wrong" \
	grep -qxF "default order, because $R/etc/nsswitch.conf:2: column 22: unknown status \"FOO\" (SUCCESS, NOTFOUND, UNAVAIL or TRYAGAIN)" <<<"$out"
for c in sources check "lookup alpha.example.com"; do
	# shellcheck disable=SC2086
	n=$(cli $c 2>&1 >/dev/null | grep -c "nsswitch.conf:2: column 22: unknown status")
	check "malformed line: $c says it once" test "$n" = 1
done
rm "$R/etc/nsswitch.conf"
for kind in fifo directory; do
	if [ $kind = fifo ]; then mkfifo "$R/etc/nsswitch.conf"; else mkdir "$R/etc/nsswitch.conf"; fi
	for c in sources check "lookup alpha.example.com" "verify alpha.example.com $K/ka.pub" export; do
		# shellcheck disable=SC2086
		n=$(timeout 20 "$SHK_CLI" --root "$R" $c 2>&1 >/dev/null |
			grep -c "nsswitch.conf: not a regular file")
		check "$kind nsswitch.conf: $c says it once" test "$n" = 1
	done
	out=$(timeout 20 "$SHK_CLI" --root "$R" sources 2>/dev/null)
	check "$kind nsswitch.conf: sources says why the default" \
		grep -qxF "default order, because $R/etc/nsswitch.conf: not a regular file" <<<"$out"
	expect_rc 0 "$kind nsswitch.conf: the default order still answers" \
		timeout 20 "$SHK_CLI" --root "$R" lookup alpha.example.com
	rm -rf "$R/etc/nsswitch.conf"
done
echo "ssh_hostkeys: files ssh2" > "$R/etc/nsswitch.conf"

expect_rc 0 "check on a clean store" cli check
echo "broken.example.com ssh-ed25519 !!!notbase64" >> "$R/etc/ssh/ssh_known_hosts"
err=$(cli check 2>&1 >/dev/null)
expect_rc 1 "check finds a bad line" cli check
check "check reports file:line" grep -qF "$R/etc/ssh/ssh_known_hosts:6" <<<"$err"
expect_rc 0 "a bad line never breaks lookups" cli lookup alpha.example.com

# SSHHOSTKEYS_ROOT is the same as --root.
check "SSHHOSTKEYS_ROOT" test "$(SSHHOSTKEYS_ROOT=$R "$SHK_CLI" lookup alpha.example.com)" = "$(cli lookup alpha.example.com)"

# Untrusted stores are ignored with a warning.
chmod 0666 "$R/etc/ssh/ssh_known_hosts"
err=$(cli lookup alpha.example.com 2>&1 >/dev/null || true)
expect_rc 1 "a world-writable file is not trusted" cli lookup alpha.example.com
check "and says why" grep -qi "writable" <<<"$err"
chmod 0644 "$R/etc/ssh/ssh_known_hosts"

expect_rc 2 "unknown command" "$SHK_CLI" frobnicate
t_done
