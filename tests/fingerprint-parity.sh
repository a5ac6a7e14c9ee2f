#!/bin/sh
# SPDX-License-Identifier: MIT
# "sshhostkeys fingerprint" against ssh-keygen -l / -B on freshly made keys
# of every type ssh-keygen can make, one by one and all in one file.
. "${top_srcdir:-$(dirname "$0")/..}/tests/lib.sh"

command -v ssh-keygen >/dev/null 2>&1 || skip_all "no ssh-keygen"
[ -x "$SHK_CLI" ] || skip_all "no CLI at $SHK_CLI"

D=$TMPROOT/keys
mkdir -p "$D"
# ssh-keygen may refuse DSA in later versions: keep what it makes.
types=""
for spec in rsa:3072 rsa:1024 dsa: ecdsa:256 ecdsa:384 ecdsa:521 ed25519:; do
	t=${spec%%:*} b=${spec#*:} n=$t${b}
	if ssh-keygen -q -t "$t" ${b:+-b "$b"} -N '' -C "$n key@parity" -f "$D/$n" \
		</dev/null >/dev/null 2>&1; then
		types="$types $n"
	fi
done
# A key without a comment ("no comment") and one with odd spacing. In the
# all-in-one file the comment-less key comes first: after a commented
# line ssh-keygen prints a stale comment (see tools/cmd_fingerprint.c).
ssh-keygen -q -t ed25519 -N '' -C '' -f "$D/nocomment" >/dev/null
ssh-keygen -q -t ecdsa -N '' -C 'a  b	c' -f "$D/spaces" >/dev/null
types="nocomment $types spaces"
: >"$D/all.pub"
for n in $types; do cat "$D/$n.pub" >>"$D/all.pub"; done

same() { # same NAME FILE OPTS...: our output equals ssh-keygen's
	local name=$1 f=$2 ours theirs
	shift 2
	theirs=$(ssh-keygen "$@" -f "$f" 2>/dev/null) || { fail "$name (ssh-keygen failed)"; return; }
	case "$1" in
	-B) ours=$("$SHK_CLI" fingerprint -E bubblebabble "$f") ;;
	*) ours=$("$SHK_CLI" fingerprint "$2" "$3" "$f") ;;
	esac || { fail "$name (exit $?)"; return; }
	if [ "$ours" = "$theirs" ]; then
		pass "$name"
	else
		fail "$name"
		printf 'ours:   %s\ntheirs: %s\n' "$ours" "$theirs"
	fi
}

for n in $types all; do
	same "$n sha256" "$D/$n.pub" -l -E sha256
	same "$n md5" "$D/$n.pub" -l -E md5
	same "$n bubblebabble" "$D/$n.pub" -B
done

# Default kind is SHA256, as ssh-keygen's.
check "default is sha256" test "$("$SHK_CLI" fingerprint "$D/all.pub")" = \
	"$(ssh-keygen -l -f "$D/all.pub")"

# RFC 4716: ssh-keygen -l cannot read it; compare through -i. We print the
# Comment header where ssh-keygen -i | -l says "no comment".
for n in $types; do
	ssh-keygen -e -f "$D/$n.pub" >"$D/$n.rfc"
	theirs=$(ssh-keygen -i -f "$D/$n.rfc" | ssh-keygen -l -f - | sed 's/ no comment (/ (/')
	ours=$("$SHK_CLI" fingerprint "$D/$n.rfc" | sed 's/ [0-9]*-bit .*converted by [^ ]* from OpenSSH (/ (/')
	check "$n rfc4716" test "$ours" = "$theirs"
done

# known_hosts files, as ssh-keygen -l -f lists them: one line per key, the
# comment or else the host field (plain, [host]:port, hashed); comments,
# blank and bad lines, and @cert-authority/@revoked lines print nothing.
kpub() { cut -d' ' -f1,2 "$D/$1.pub"; }
{
	echo "# a known_hosts file"
	echo
	echo "alpha.example.com,10.0.0.1 $(kpub ed25519) a comment here"
	echo "[beta.example.com]:2222 $(kpub rsa3072)"
	echo "@cert-authority *.example.com $(kpub ecdsa256) ca"
	echo "@revoked bad.example.com $(kpub ed25519)"
	echo "garbage line"
	echo "broken.example.com ssh-ed25519 AAAAnotbase64"
	printf '  \tindented.example.com\t%s\n' "$(kpub ecdsa384)"
	echo "gamma.example.com $(kpub ecdsa521) #not a comment"
	echo "10.1.2.3 $(kpub nocomment)"
} >"$D/known_hosts"
# ssh-keygen -H hashes the names of a file it can read whole.
grep -v -e '^@' -e garbage -e broken "$D/known_hosts" >"$D/known_hosts.hashed"
ssh-keygen -q -H -f "$D/known_hosts.hashed" >/dev/null 2>&1
rm -f "$D/known_hosts.hashed.old"
check "ssh-keygen -H hashed the names" grep -q '^|1|' "$D/known_hosts.hashed"
for f in known_hosts known_hosts.hashed; do
	same "$f sha256" "$D/$f" -l -E sha256
	same "$f md5" "$D/$f" -l -E md5
	same "$f bubblebabble" "$D/$f" -B
done
check "known_hosts: one line per listed key" \
	test "$("$SHK_CLI" fingerprint "$D/known_hosts" 2>/dev/null | wc -l)" -eq 5
check "known_hosts on stdin" test "$("$SHK_CLI" fingerprint - <"$D/known_hosts" 2>/dev/null)" = \
	"$(ssh-keygen -l -f - <"$D/known_hosts")"
"$SHK_CLI" fingerprint "$D/known_hosts" 2>"$D/err" >/dev/null
check "known_hosts: bad lines reported with file:line" \
	grep -qF "known_hosts:7: not a key, nor a known_hosts line" "$D/err"
check "known_hosts: bad key reported" grep -qF "known_hosts:8: key is not valid base64" "$D/err"
check "known_hosts: marker lines only said with -v" sh -c '! grep -q "@revoked" "$0"' "$D/err"
"$SHK_CLI" -v fingerprint "$D/known_hosts" 2>"$D/err" >/dev/null
check "known_hosts -v: marker lines said" grep -qF "known_hosts:6: @revoked line not listed" "$D/err"

# Errors: 2, with file:line on stderr; good keys still printed.
expect_rc 2 "missing file" "$SHK_CLI" fingerprint "$D/none.pub"
printf 'ssh-ed25519 AAAA\n' >"$D/bad.pub"
expect_rc 2 "no key" "$SHK_CLI" fingerprint "$D/bad.pub"
"$SHK_CLI" fingerprint "$D/bad.pub" 2>"$D/err" || true
check "bad line reported" grep -q "bad.pub:1: " "$D/err"
{ cat "$D/bad.pub"; cat "$D/ed25519.pub"; } >"$D/half.pub"
expect_rc 0 "one good key is enough" sh -c '"$0" fingerprint "$1" >/dev/null' \
	"$SHK_CLI" "$D/half.pub"
expect_rc 2 "bad -E" "$SHK_CLI" fingerprint -E sha1 "$D/ed25519.pub"
expect_rc 2 "no file argument" "$SHK_CLI" fingerprint
check "stdin" test "$("$SHK_CLI" fingerprint - <"$D/all.pub")" = \
	"$(ssh-keygen -l -f - <"$D/all.pub")"
t_done
