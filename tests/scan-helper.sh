#!/bin/bash
# SPDX-License-Identifier: MIT
# The scan helper split: the CLI binary does not link libssh (nor, through
# it, Kerberos) while sshhostkeys-scan does; "sshhostkeys scan" execs
# $SSHHOSTKEYS_LIBEXEC_DIR/sshhostkeys-scan with "[--root DIR] [-v]... scan
# ARGS..." and exits with its status; a helper that cannot be run is a
# clear error, exit 2; a relative SSHHOSTKEYS_LIBEXEC_DIR is ignored.
# tests/scan.sh runs the real scan through the CLI.
. "$(dirname "$0")/lib.sh"

# The real binaries, not libtool's wrapper scripts (--disable-shared has
# no wrapper).
real() {
	if [ -f "$top_builddir/tools/.libs/$1" ]; then
		echo "$top_builddir/tools/.libs/$1"
	else
		echo "$top_builddir/tools/$1"
	fi
}
CLI_BIN=$(real sshhostkeys)
HELPER_BIN=$(real sshhostkeys-scan)
NOT_SSH='libssh\.so|krb5|gssapi'

if command -v readelf >/dev/null; then
	readelf -d "$CLI_BIN" | grep NEEDED >"$TMPROOT/cli.needed" ||
		fail "readelf -d $CLI_BIN lists no NEEDED"
	check "readelf sees the CLI's NEEDED libsshhostkeys" grep -q 'libsshhostkeys\.so' "$TMPROOT/cli.needed"
	check "the CLI does not link libssh or krb5 (readelf -d)" \
		eval '! grep -Eq "$NOT_SSH" "$TMPROOT/cli.needed"'
	check "the scan helper links libssh (readelf -d)" \
		sh -c "readelf -d '$HELPER_BIN' | grep NEEDED | grep -q 'libssh\.so'"
else
	echo "skip - readelf is not installed: NEEDED entries not checked"
fi
# Nor indirectly, through libsshhostkeys or libcrypto.
if command -v ldd >/dev/null; then
	LD_LIBRARY_PATH=$top_builddir/lib/.libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		ldd "$CLI_BIN" >"$TMPROOT/cli.ldd" 2>&1 || true
	check "ldd resolves the CLI's libraries" grep -q 'libsshhostkeys\.so' "$TMPROOT/cli.ldd"
	check "the CLI loads no libssh or krb5 at all (ldd)" \
		eval '! grep -Eq "$NOT_SSH" "$TMPROOT/cli.ldd"'
fi

t_root files
mkdir -p "$TMPROOT/empty"

# No helper in the directory: exit 2, the path and why, nothing on stdout.
rc=0
SSHHOSTKEYS_LIBEXEC_DIR=$TMPROOT/empty cli scan -n 127.0.0.1 >"$TMPROOT/out" 2>"$TMPROOT/err" || rc=$?
check "no helper: exit 2 (got $rc)" test "$rc" -eq 2
check "no helper: the error says which and why" test "$(cat "$TMPROOT/err")" = \
	"sshhostkeys: cannot run $TMPROOT/empty/sshhostkeys-scan: No such file or directory; the scan command is installed separately"
check "no helper: nothing on stdout" test ! -s "$TMPROOT/out"

# A helper that is not executable.
mkdir -p "$TMPROOT/noexec"
printf '#!/bin/sh\nexit 0\n' >"$TMPROOT/noexec/sshhostkeys-scan"
chmod 0644 "$TMPROOT/noexec/sshhostkeys-scan"
# (execve wants an x bit even for root.)
rc=0
SSHHOSTKEYS_LIBEXEC_DIR=$TMPROOT/noexec cli scan 127.0.0.1 2>"$TMPROOT/err" || rc=$?
check "not executable: exit 2 (got $rc)" test "$rc" -eq 2
check "not executable: Permission denied" test "$(cat "$TMPROOT/err")" = \
	"sshhostkeys: cannot run $TMPROOT/noexec/sshhostkeys-scan: Permission denied; the scan command is installed separately"

# The calling convention, with a helper that prints its arguments one per
# line and exits 7: the status and the words come through unchanged.
mkdir -p "$TMPROOT/fake"
cat >"$TMPROOT/fake/sshhostkeys-scan" <<'SH'
#!/bin/sh
printf '%s\n' "$0" "$@"
exit 7
SH
chmod 0755 "$TMPROOT/fake/sshhostkeys-scan"
fake() { SSHHOSTKEYS_LIBEXEC_DIR=$TMPROOT/fake "$SHK_CLI" "$@"; }
rc=0
fake --root "$R" -v --verbose scan -n -p 2222 "a b" 'c#22' >"$TMPROOT/args" || rc=$?
check "the helper's exit status is the CLI's (got $rc)" test "$rc" -eq 7
printf '%s\n' "$TMPROOT/fake/sshhostkeys-scan" --root "$R" -v -v scan -n -p 2222 "a b" 'c#22' \
	>"$TMPROOT/want"
check "exec'd as: PATH --root DIR -v... scan ARGS..." cmp -s "$TMPROOT/want" "$TMPROOT/args"
rc=0
fake scan >"$TMPROOT/args" || rc=$?
printf '%s\n' "$TMPROOT/fake/sshhostkeys-scan" scan >"$TMPROOT/want"
check "no --root, no -v: PATH scan" cmp -s "$TMPROOT/want" "$TMPROOT/args"
# --root=DIR and a DIR that looks like an option are passed as one value.
fake --root=-odd scan x >"$TMPROOT/args" || true
printf '%s\n' "$TMPROOT/fake/sshhostkeys-scan" --root -odd scan x >"$TMPROOT/want"
check "--root=-odd is passed as --root -odd" cmp -s "$TMPROOT/want" "$TMPROOT/args"

# A relative SSHHOSTKEYS_LIBEXEC_DIR is ignored, as SSHHOSTKEYS_MODULE_DIR is:
# the built-in path is used, never ./rel/sshhostkeys-scan.
mkdir -p "$TMPROOT/cwd/rel"
cat >"$TMPROOT/cwd/rel/sshhostkeys-scan" <<SH
#!/bin/sh
: >"$TMPROOT/relative-helper-ran"
SH
chmod 0755 "$TMPROOT/cwd/rel/sshhostkeys-scan"
(cd "$TMPROOT/cwd" && SSHHOSTKEYS_LIBEXEC_DIR=rel "$SHK_CLI" --root "$R" scan >/dev/null 2>&1) || true
check "a relative SSHHOSTKEYS_LIBEXEC_DIR is ignored" test ! -e "$TMPROOT/relative-helper-ran"

# Through the real helper, a usage error is the CLI's own, byte for byte.
rc=0
cli scan 2>"$TMPROOT/err" || rc=$?
check "real helper, no host: exit 2 (got $rc)" test "$rc" -eq 2
check "real helper, no host: the CLI's usage message" test "$(cat "$TMPROOT/err")" = \
	"sshhostkeys: usage: scan [-p PORT] [-t TYPES] [-T TIMEOUT] [-i] [-n] [--store user|system] [--format plain|hashed] HOST[#PORT]..."
t_done
