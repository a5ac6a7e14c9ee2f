#!/bin/bash
# SPDX-License-Identifier: MIT
# The Python binding's pytest suite (tests/python/), with Debian's
# interpreter (PYTHON, from configure: /usr/bin/python3; the python3 first
# on PATH may be another that does not see Debian's packages), the package
# from the source tree and libsshhostkeys.so.0 from the build tree.
. "$(dirname "$0")/lib.sh"
PY=${PYTHON:-/usr/bin/python3}
[ -x "$(command -v "$PY")" ] || skip_all "no Python interpreter $PY"
"$PY" -c 'import pytest' 2>/dev/null || skip_all "$PY has no pytest (Debian python3-pytest)"
"$PY" -c 'import paramiko' 2>/dev/null || skip_all "$PY has no paramiko (Debian python3-paramiko)"

lib=$top_builddir/lib/.libs
[ -f "$lib/libsshhostkeys.so.0" ] || skip_all "no $lib/libsshhostkeys.so.0"
export LD_LIBRARY_PATH=$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export PYTHONPATH=$top_srcdir/python${PYTHONPATH:+:$PYTHONPATH}
# make distcheck's source tree is read-only: no __pycache__, no .pytest_cache.
export PYTHONDONTWRITEBYTECODE=1

# An ASan-instrumented library (the CI's sanitizer build) loads only in a
# process whose first library is the ASan runtime: preload it into the
# interpreter alone (conftest.py keeps it from the programs the tests
# run), and leave leak checking off, as the interpreter's own allocations
# are not ours to free.
pre=()
if ldd "$lib/libsshhostkeys.so.0" | grep -q 'libasan'; then
	rt=$("${CC:-gcc}" -print-file-name=libasan.so)
	[ -f "$rt" ] || skip_all "the library uses ASan but ${CC:-gcc} names no libasan.so"
	pre=(env "LD_PRELOAD=$rt" "ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0")
fi

cd "$TMPROOT" || exit 99
"${pre[@]}" "$PY" -m pytest -q -rs -p no:cacheprovider --basetemp="$TMPROOT/pytest" \
	"$top_srcdir/tests/python"
