# SPDX-License-Identifier: MIT
"""The ctypes layouts of sshhostkeys/_ffi.py against the C compiler's, for
every struct the binding reads or passes."""

import ctypes
import json
import os
import shutil
import subprocess

import pytest

from sshhostkeys import _ffi

STRUCTS = {
    "shk_diag": _ffi.Diag,
    "shk_key": _ffi.Key,
    "shk_hostkey": _ffi.HostKey,
    "shk_keylist": _ffi.KeyList,
    "shk_verification": _ffi.Verification,
    "shk_source_info": _ffi.SourceInfo,
    "shk_sourcelist": _ffi.SourceList,
    "shk_policy_params": _ffi.PolicyParams,
    "shk_ctx_options": _ffi.CtxOptions,
}


def test_struct_layouts_match_the_header(tmp_path):
    cc = (os.environ.get("CC") or "cc").split()
    if shutil.which(cc[0]) is None:
        pytest.skip("no C compiler")
    include = os.path.join(os.environ.get("top_srcdir", "."), "include")
    lines = ['#include <stddef.h>', '#include <stdio.h>', '#include <sshhostkeys.h>',
             'int main(void) {', 'printf("{");']
    for i, (name, cls) in enumerate(STRUCTS.items()):
        lines.append('printf("%s\\"%s\\": [%%zu", sizeof(struct %s));'
                     % ("," if i else "", name, name))
        for f, _ in cls._fields_:
            lines.append('printf(", %%zu", offsetof(struct %s, %s));' % (name, f))
        lines.append('printf("]");')
    lines += ['printf("}\\n");', "return 0; }"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines) + "\n")
    exe = tmp_path / "layout"
    subprocess.run(cc + ["-I" + include, "-o", str(exe), str(src)], check=True)
    c = json.loads(subprocess.run([str(exe)], capture_output=True, text=True,
                                  check=True).stdout)
    for name, cls in STRUCTS.items():
        py = [ctypes.sizeof(cls)] + [getattr(cls, f).offset for f, _ in cls._fields_]
        assert py == c[name], name
