#!/bin/sh
# SPDX-License-Identifier: MIT
# make warmcheck (and make check): what a warm context remembers between lookups
# (docs/performance.md, "Warm context") must never change an answer. One
# context, a known_hosts file large enough to be indexed, and changes made
# between lookups: a directory made group-writable, user and system files
# appearing and going away, a directory swapped for a symbolic link to a
# group-writable one. Each answer must be what a fresh lookup gives.
# Exit status 1 on any difference.
set -eu

top_builddir=${top_builddir:-.}
ABS=$(cd "$top_builddir" && pwd)
WARM=$ABS/tests/warmcheck
BENCHGEN=$ABS/bench/benchgen
export SSHHOSTKEYS_MODULE_DIR=${SSHHOSTKEYS_MODULE_DIR:-$ABS/module/.libs}
T=$(mktemp -d)
trap 'chmod -R u+w "$T" 2>/dev/null; rm -rf "$T"' EXIT
umask 022
R=$T/r
H=$T/h
mkdir -p "$R/etc/ssh" "$R/var/cache" "$H" "$T/keys"
echo "ssh_hostkeys: files" >"$R/etc/nsswitch.conf"
: >"$R/etc/sshhostkeys.conf"
for k in "ed25519 ed" "ecdsa ec" "rsa rsa" "ed25519 mark"; do
	set -- $k
	ssh-keygen -q -t "$1" -N '' -C '' -f "$T/keys/$2" </dev/null
done
# 1000 entries: about 290 KB, above the 256 KiB where indexing starts.
"$BENCHGEN" kh 1000 "$T/keys/ed.pub" "$T/keys/ec.pub" "$T/keys/rsa.pub" \
	"$T/keys/mark.pub" >"$R/etc/ssh/ssh_known_hosts"
K=$(sed -n 2p "$R/etc/ssh/ssh_known_hosts" | cut -d' ' -f2-3)
# Old enough that an absent file's directory may be remembered.
touch -d '-1 min' "$R/etc/ssh/ssh_known_hosts" "$R/etc/ssh" "$R/etc" "$R" "$H"
N=h0000001.example.com
SYS=$R/etc/ssh/ssh_known_hosts
cat >"$T/script" <<EOS
L $N
L $N
S chmod g+w $R/etc
L $N
S chmod g-w $R/etc
L $N
L $N
S mkdir -m 700 $H/.ssh && echo "$N $K user" >$H/.ssh/known_hosts
L $N
S echo "$N $K sys2" >${SYS}2
L $N
S rm ${SYS}2 $H/.ssh/known_hosts && rmdir $H/.ssh && sleep 2.2
L $N
L $N
L $N
S echo "$N $K sys2" >${SYS}2
L $N
S chmod g+w $H
L $N
S chmod g-w $H
S mkdir -m 775 $R/gw && mv $R/etc/ssh $R/gw/ssh && ln -s $R/gw/ssh $R/etc/ssh
L $N
S rm $R/etc/ssh && mv $R/gw/ssh $R/etc/ssh
L $N
S chmod 666 $SYS
L $N
EOS
# The revocation (@revoked *.example.com) applies to every name.
REV=$(grep -n '^@revoked' "$SYS" | cut -d: -f1)
cat >"$T/want" <<EOW
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $SYS:2 $SYS:$REV
$N: -5
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $H/.ssh/known_hosts:1 $SYS:2 $SYS:$REV
$N: 0 $H/.ssh/known_hosts:1 $SYS:2 $SYS:$REV ${SYS}2:1
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $SYS:2 $SYS:$REV
$N: 0 $SYS:2 $SYS:$REV ${SYS}2:1
$N: 0 $SYS:2 $SYS:$REV ${SYS}2:1
$N: -5
$N: 0 $SYS:2 $SYS:$REV ${SYS}2:1
$N: 0 ${SYS}2:1
EOW
HOME=$H "$WARM" "$R" <"$T/script" >"$T/got" 2>&1
if diff -u "$T/want" "$T/got"; then
	echo "warmcheck: $(wc -l <"$T/want") answers as expected"
else
	echo "warmcheck: FAILED"
	exit 1
fi
