#!/bin/sh
# SPDX-License-Identifier: MIT
# Regenerate the key fixtures with the real ssh-keygen (OpenSSH 9.2 made
# the committed ones). Crafted blobs (sk keys, broken keys) are built from
# the generated ones with python3. Expected outputs (*.l-sha256, *.l-md5,
# *.B) are what ssh-keygen prints for each file.
set -eu
cd "$(dirname "$0")"
rm -f ./*.pub ./*.rfc ./*.l-sha256 ./*.l-md5 ./*.B ./*.bad ca ca.pub

gen() { # gen NAME TYPE BITS COMMENT
	ssh-keygen -q -t "$2" ${3:+-b "$3"} -N '' -C "$4" -f "$1"
	rm -f "$1" # the private half is never needed
}
gen rsa rsa 3072 "rsa key@example.com"
gen rsa1024 rsa 1024 ""
gen dsa dsa "" "dsa key"
gen ecdsa256 ecdsa 256 "ecdsa256@example.com"
gen ecdsa384 ecdsa 384 "ecdsa384@example.com"
gen ecdsa521 ecdsa 521 "ecdsa521 with  two spaces"
gen ed25519 ed25519 "" "ed25519@example.com"

# A host certificate for the ed25519 key, signed by a throw-away CA.
ssh-keygen -q -t ed25519 -N '' -C ca -f ca
ssh-keygen -q -s ca -I host-id -h -n host.example.com -z 7 ed25519.pub
rm -f ca ca.pub

python3 - <<'PY'
import base64, struct

def s(b):
    return struct.pack(">I", len(b)) + b

def fields(blob):
    out, i = [], 0
    while i < len(blob):
        n = struct.unpack(">I", blob[i:i + 4])[0]
        out.append(blob[i + 4:i + 4 + n])
        i += 4 + n
    return out

def load(name):
    t, b = open(name + ".pub").read().split()[:2]
    return t, base64.b64decode(b)

def line(t, blob, comment=""):
    return t + " " + base64.b64encode(blob).decode() + (" " + comment if comment else "") + "\n"

ec_t, ec = load("ecdsa256")
ed_t, ed = load("ed25519")
rsa_t, rsa = load("rsa1024")
dsa_t, dsa = load("dsa")
ef, df, rf = fields(ec), fields(ed), fields(rsa)

# Security-key public keys as a FIDO token would give them.
open("sk-ecdsa.pub", "w").write(line("sk-ecdsa-sha2-nistp256@openssh.com",
    s(b"sk-ecdsa-sha2-nistp256@openssh.com") + s(b"nistp256") + s(ef[2]) + s(b"ssh:"),
    "sk ecdsa"))
open("sk-ed25519.pub", "w").write(line("sk-ssh-ed25519@openssh.com",
    s(b"sk-ssh-ed25519@openssh.com") + s(df[1]) + s(b"ssh:test"), "sk ed25519"))

# RSA written with needless leading zero bytes: OpenSSH accepts it and
# fingerprints the re-encoded key.
open("rsa-zeros.pub", "w").write(line(rsa_t,
    s(rf[0]) + s(b"\0\0" + rf[1]) + s(b"\0" + rf[2]), "zeros"))

# Broken keys: one per line, "# reason" before each.
pt = bytearray(ef[2]); pt[-1] ^= 1
bad = [
    ("truncated", ed_t, ed[:-5]),
    ("wrong inner type", "ssh-ed25519", s(b"ssh-rsa") + s(df[1])),
    ("off-curve point", ec_t, s(ef[0]) + s(ef[1]) + s(bytes(pt))),
    ("curve mismatch", ec_t, s(ef[0]) + s(b"nistp384") + s(ef[2])),
    ("compressed point", ec_t, s(ef[0]) + s(ef[1]) + s(bytes([2 + (ef[2][-1] & 1)]) + ef[2][1:33])),
    ("trailing bytes", ed_t, ed + b"\0"),
    ("ed25519 31 bytes", ed_t, s(df[0]) + s(df[1][:31])),
    ("negative modulus", rsa_t, s(rf[0]) + s(rf[1]) + s(rf[2][1:])),
    ("small modulus", rsa_t, s(rf[0]) + s(rf[1]) + s(rf[2][:-2])),
    ("zero exponent", rsa_t, s(rf[0]) + s(b"") + s(rf[2])),
    ("sk missing application", "sk-ssh-ed25519@openssh.com",
        s(b"sk-ssh-ed25519@openssh.com") + s(df[1])),
    ("unknown type mismatch", "x-unknown@example.com", s(b"x-other@example.com") + b"junk"),
]
with open("bad.pub", "w") as f:
    for why, t, blob in bad:
        f.write("# " + why + "\n" + line(t, blob))

# An unknown type is kept as it is.
open("unknown.pub", "w").write(line("x-unknown@example.com",
    s(b"x-unknown@example.com") + b"opaque data", "opaque"))
PY

# What ssh-keygen says about each key it can read.
for f in rsa rsa1024 dsa ecdsa256 ecdsa384 ecdsa521 ed25519 ed25519-cert \
	sk-ecdsa sk-ed25519 rsa-zeros; do
	ssh-keygen -l -E sha256 -f "$f.pub" > "$f.l-sha256"
	ssh-keygen -l -E md5 -f "$f.pub" > "$f.l-md5"
	ssh-keygen -B -f "$f.pub" > "$f.B"
done

# RFC 4716 exports, as ssh-keygen -e writes them.
for f in rsa dsa ecdsa256 ecdsa384 ecdsa521 ed25519; do
	ssh-keygen -e -f "$f.pub" > "$f.rfc"
done

# A key file mixing every form, with broken parts the reader must skip.
# Line numbers matter to check_rfc4716.c: keep the layout.
{
	echo "# mixed key file"
	echo
	cat ed25519.pub                     # line 3
	cat rsa.rfc                         # lines 4-..
	echo "garbage line"
	echo "---- BEGIN SSH2 PUBLIC KEY ----"
	echo "Comment: block without END"
	sed -n 3p ecdsa256.rfc
	cat ecdsa256.rfc
	cat bad.pub | sed -n 2p
	echo "---- END SSH2 PUBLIC KEY ----"
	cat sk-ed25519.pub
} > mixed.keys
