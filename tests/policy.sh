#!/bin/bash
# SPDX-License-Identifier: MIT
# verify --policy end to end through the CLI on a temporary root: exit
# codes, what is stored where, refusals that change nothing, revoked keys
# refused under every policy, the configured default, --replace, --store
# and --format, and the warning of "warn".
. "$(dirname "$0")/lib.sh"

t_root "files ssh2"
mkdir -p "$R$SYSCONF" "$HOME/.ssh"
cli() { "$SHK_CLI" --root "$R" "$@" >/dev/null; }
# The same without a controlling terminal (its own session).
notty() { setsid -w "$SHK_CLI" --root "$R" "$@" >/dev/null; }

for n in a b; do ssh-keygen -q -t ed25519 -N '' -C '' -f "$K/$n"; done
ssh-keygen -q -t ecdsa -N '' -C '' -f "$K/e"

# state: a digest of every file under the root and home, to prove that
# nothing changed.
state() { (cd "$TMPROOT" && find root home -type f -print0 | sort -z | xargs -0 -r sha256sum; find root home | sort); }
reset() {
	rm -rf "$HOME/.ssh2" "$R/etc/ssh2" "$HOME/.ssh/known_hosts"*
	: > "$HOME/.ssh/known_hosts"
	rm -f "$R$SYSCONF/sshhostkeys.conf"
}
unchanged() { # NAME: pass when state equals $BEFORE
	if [ "$(state)" = "$BEFORE" ]; then pass "$1"; else fail "$1"; fi
}

# --- unknown host
reset
BEFORE=$(state)
expect_rc 1 "strict: unknown refused (1)" cli verify --policy strict h.example "$K/a.pub"
unchanged "strict: nothing stored"
expect_rc 0 "warn: unknown accepted" cli verify --policy warn h.example "$K/a.pub"
unchanged "warn: nothing stored"
cli verify --policy warn h.example "$K/a.pub" 2>"$TMPROOT/warn.err" >/dev/null
fp=$(ssh-keygen -l -f "$K/a.pub" | cut -d' ' -f2)
bb=$(ssh-keygen -B -f "$K/a.pub" | cut -d' ' -f2)
check "warn: warning with SHA256 on stderr" grep -q "warning: .*$fp" "$TMPROOT/warn.err"
check "warn: warning with Bubble Babble" grep -q "$bb" "$TMPROOT/warn.err"
expect_rc 1 "ask without a terminal: strict" notty verify --policy ask h.example "$K/a.pub"
unchanged "ask without a terminal: nothing stored"

out=$("$SHK_CLI" --root "$R" verify --policy accept-new h.example "$K/a.pub"); rc=$?
check "accept-new: unknown accepted (0)" test $rc -eq 0
check "accept-new: says stored" grep -q "stored in the user store" <<<"$out"
check "accept-new: hashed ssh2 file by default" sh -c "ls '$HOME/.ssh2/hostkeys' | grep -q '^keys_'"
check "accept-new: ssh's known_hosts untouched" test ! -s "$HOME/.ssh/known_hosts"
expect_rc 0 "now a match" cli verify h.example "$K/a.pub"
out=$("$SHK_CLI" --root "$R" verify --policy strict h.example "$K/a.pub")
check "match under strict: already known" grep -q "accepted: already known" <<<"$out"

# --- changed key
BEFORE=$(state)
for p in strict accept-new auto-add warn ask; do
	expect_rc 3 "$p: changed refused (3)" notty verify --policy $p h.example "$K/b.pub"
done
unchanged "changed: nothing stored under any policy"
# other type: 5
for p in strict accept-new auto-add warn; do
	expect_rc 5 "$p: other type refused (5)" cli verify --policy $p h.example "$K/e.pub"
done
unchanged "other type: nothing stored"
expect_rc 2 "--replace without --policy: usage error" cli verify --replace h.example "$K/b.pub"

# auto-add --replace: the new key replaces the old one of its type.
expect_rc 0 "auto-add --replace: changed accepted" cli verify --policy auto-add --replace h.example "$K/b.pub"
expect_rc 0 "the new key matches" cli verify h.example "$K/b.pub"
expect_rc 3 "the old key is changed now" cli verify h.example "$K/a.pub"

# --- the host in ssh's own known_hosts; replace removes it there as
# ssh-keygen -R does (FILE.old kept) and learns the new key in ssh2.
reset
echo "h.example $(pub a)" > "$HOME/.ssh/known_hosts"
echo "other.example $(pub a)" >> "$HOME/.ssh/known_hosts"
expect_rc 0 "replace over known_hosts" cli verify --policy auto-add --replace h.example "$K/b.pub"
check "known_hosts keeps the other host" grep -q "^other.example " "$HOME/.ssh/known_hosts"
check "known_hosts lost the replaced line" sh -c "! grep -q '^h.example ' '$HOME/.ssh/known_hosts'"
check "known_hosts.old kept" grep -q "^h.example " "$HOME/.ssh/known_hosts.old"
expect_rc 0 "new key matches" cli verify h.example "$K/b.pub"

# --- revoked: refused under every policy, nothing stored.
reset
printf '@revoked * %s\n' "$(pub a)" > "$HOME/.ssh/known_hosts"
BEFORE=$(state)
for p in strict accept-new auto-add warn ask; do
	expect_rc 4 "$p: revoked refused (4)" notty verify --policy $p h.example "$K/a.pub"
done
expect_rc 4 "auto-add --replace: revoked refused (4)" cli verify --policy auto-add --replace h.example "$K/a.pub"
unchanged "revoked: nothing stored"

# --- the configured policy, --store system, --format plain, ports.
reset
echo "policy = accept-new" > "$R$SYSCONF/sshhostkeys.conf"
expect_rc 0 "policy from sshhostkeys.conf (accept-new)" cli verify --policy default -p 2222 h.example "$K/a.pub"
check "stored for port 2222" cli lookup -p 2222 h.example
expect_rc 1 "not for port 22" cli lookup h.example
echo "policy = strict" > "$R$SYSCONF/sshhostkeys.conf"
expect_rc 1 "policy from sshhostkeys.conf (strict)" cli verify --policy default other.example "$K/a.pub"
expect_rc 0 "--policy overrides the configuration" cli verify --policy accept-new --store system --format plain other.example "$K/a.pub"
check "--store system --format plain" test -f "$R/etc/ssh2/hostkeys/key_22_other.example.pub"
check "--store system: user store untouched" test ! -e "$HOME/.ssh2/hostkeys/key_22_other.example.pub"

# Without --policy: the read-only verdict, as before.
reset
BEFORE=$(state)
expect_rc 1 "no --policy: unknown is 1, nothing stored" cli verify h.example "$K/a.pub"
unchanged "no --policy: read-only"
expect_rc 2 "bad policy: usage error" cli verify --policy sometimes h.example "$K/a.pub"
expect_rc 2 "bad --store: usage error" cli verify --policy strict --store both h.example "$K/a.pub"

t_done
