# SPDX-License-Identifier: MIT
# Shared helpers for the end-to-end scripts. Source it; it sets up a
# temporary root (removed on exit) and the counters for the closing line.
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SHK_CLI:=$top_builddir/tools/sshhostkeys}"
export SSHHOSTKEYS_MODULE_DIR="${SSHHOSTKEYS_MODULE_DIR:-$top_builddir/module/.libs}"
# sshhostkeys scan execs $SSHHOSTKEYS_LIBEXEC_DIR/sshhostkeys-scan.
export SSHHOSTKEYS_LIBEXEC_DIR="${SSHHOSTKEYS_LIBEXEC_DIR:-$top_builddir/tools}"

# What the tests create must be trusted (not group- or world-writable)
# whatever umask make was run with; tests that want other modes chmod.
umask 022
T_PASS=0
T_FAIL=0
TMPROOT=$(mktemp -d "${TMPDIR:-/tmp}/shk-test.XXXXXX")
chmod 0755 "$TMPROOT"
t_cleanup_hooks=""
t_cleanup() {
	local h
	for h in $t_cleanup_hooks; do "$h" || true; done
	rm -rf "$TMPROOT"
}
trap t_cleanup EXIT
t_on_exit() { t_cleanup_hooks="$t_cleanup_hooks $1"; }

pass() { T_PASS=$((T_PASS + 1)); echo "ok - $*"; }
fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL - $*"; }
# check NAME CMD...: pass when CMD exits 0.
check() { local n=$1; shift; if "$@"; then pass "$n"; else fail "$n"; fi; }
# expect_rc RC NAME CMD...: pass when CMD exits with RC.
expect_rc() {
	local want=$1 n=$2 rc=0
	shift 2
	"$@" || rc=$?
	if [ "$rc" -eq "$want" ]; then pass "$n"; else fail "$n (exit $rc, wanted $want)"; fi
}
# The closing line the CI reads; exit status follows the counts.
t_done() {
	echo "$T_PASS passed, $T_FAIL failed"
	[ "$T_FAIL" -eq 0 ]
}
skip_all() { echo "SKIP: $*"; exit 77; }

# t_root SOURCES: the usual scene for a CLI test under $TMPROOT: a root $R
# whose nsswitch.conf says "ssh_hostkeys: SOURCES", $HOME, and a key
# directory $K; $SYSCONF is the sysconfdir the CLI was configured with.
t_root() {
	R=$TMPROOT/root
	export HOME=$TMPROOT/home
	K=$TMPROOT/keys
	SYSCONF=${SHK_SYSCONFDIR:-/etc}
	mkdir -p "$R/etc" "$HOME" "$K"
	echo "ssh_hostkeys: $1" >"$R/etc/nsswitch.conf"
}
# cli ARGS...: the CLI on $R.
cli() { "$SHK_CLI" --root "$R" "$@"; }
# pub NAME: "TYPE BASE64" of $K/NAME.pub.
pub() { cut -d' ' -f1,2 "$K/$1.pub"; }
