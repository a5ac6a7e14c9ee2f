#!/bin/sh
# SPDX-License-Identifier: MIT
# Build sshhostkeys and run the demo on the example store in examples/.
# On a fresh Debian machine, run as root to install what the build and the
# tests need. Afterwards, "make check" runs the whole test suite.
set -eu
cd "$(dirname "$0")"

# Build tools, libraries, the real OpenSSH programs the tests compare with,
# and Debian's paramiko and pytest for the Python package's tests.
PKGS="build-essential autoconf automake libtool pkg-config libssl-dev check
libssh-dev openssh-client openssh-server python3-paramiko python3-pytest"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
		echo "quickstart: installing$missing"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		# shellcheck disable=SC2086
		apt-get install -y -qq --no-install-recommends $missing >/dev/null
	else
		echo "quickstart: please install:$missing" >&2
		exit 1
	fi
fi

[ -x configure ] || autoreconf -fi
# sysconfdir /etc: --root DIR then reads DIR/etc/sshhostkeys.conf, as on a
# distribution; nothing is installed by this script.
[ -f Makefile ] || ./configure -q --sysconfdir=/etc
make -j"$(nproc 2>/dev/null || echo 2)" >/dev/null

echo
echo "== Demo: lookups in the example store (examples/root, examples/home)"
# Git does not keep modes; stores writable by others are (rightly) ignored.
chmod -R go-w examples
# The demo leaves your own ~/.ssh/known_hosts out; the commands printed at
# the end read it, as the installed CLI does. Nothing else is set: run from
# this tree, the CLI finds the modules built beside it.
export HOME=$PWD/examples/home
run() {
	echo
	echo "\$ ./tools/sshhostkeys --root examples/root $*"
	./tools/sshhostkeys --root examples/root "$@" || echo "(exit $?)"
}
run sources
run -v lookup alpha.example.com
run -v lookup '[beta.example.com]:2222'
run -v lookup gamma.example.com#222
run -v lookup delta.example.com
run verify alpha.example.com examples/keys/alpha_ed25519.pub
run verify alpha.example.com examples/keys/gamma_ed25519.pub
run verify -p 222 gamma.example.com examples/keys/gamma_ed25519.pub
run verify alpha.example.com examples/keys/revoked_ed25519.pub
run fingerprint -E bubblebabble examples/keys/alpha_ed25519.pub
run fingerprint examples/root/etc/ssh/ssh_known_hosts

# The Python package, from this tree, with Debian's interpreter (the
# python3 first on PATH may not see Debian's packages).
pylookup='import sshhostkeys
with sshhostkeys.Context(root="examples/root") as ctx:
    for k in ctx.lookup("alpha.example.com"):
        print(k.type, k.fingerprint(), k.where + (" (revoked)" if k.revoked else ""))'
echo
echo "\$ /usr/bin/python3 -c '$pylookup'"
LD_LIBRARY_PATH=$PWD/lib/.libs PYTHONPATH=$PWD/python SSHHOSTKEYS_MODULE_DIR=$PWD/module/.libs \
	PYTHONDONTWRITEBYTECODE=1 /usr/bin/python3 -c "$pylookup" || echo "(exit $?)"

cat <<EOF

quickstart: done. Next, from this directory ($PWD):

  make check                    # the whole test suite (real sshd, ssh, ssh-keygen)

Try the CLI on the example store (it also reads your own ~/.ssh/known_hosts):

  ./tools/sshhostkeys --root examples/root lookup alpha.example.com
  ./tools/sshhostkeys --root examples/root -v lookup gamma.example.com#222
  ./tools/sshhostkeys --root examples/root verify alpha.example.com examples/keys/revoked_ed25519.pub
  ./tools/sshhostkeys --root examples/root sources alpha.example.com
  ./tools/sshhostkeys --root examples/root check
  ./tools/sshhostkeys fingerprint examples/root/etc/ssh/ssh_known_hosts
  man ./man/sshhostkeys.1

Install (prefix /usr/local, configuration in /etc):

  sudo make install && sudo ldconfig
  # This also installs /etc/ssh/ssh_config.d/50-sshhostkeys.conf, through
  # which ssh (OpenSSH 8.5+) asks "sshhostkeys known-hosts" for host keys.
  # The order of the sources is the "ssh_hostkeys:" line of
  # /etc/nsswitch.conf (default: files ssh2; conf/nsswitch.conf.snippet).
EOF
