# SPDX-License-Identifier: MIT
"""The C side of the binding: libsshhostkeys loaded by its soname, the
struct layouts of include/sshhostkeys.h and the prototypes of the calls we
use. Everything that must change when the header changes is in this file.

Structs the library hands out are read through the pointers it gives and
only up to the fields declared here, so a newer library whose structs grew
at their end still works. Structs we pass in start with a size field.
"""

import ctypes
import os
from ctypes import (
    CFUNCTYPE,
    POINTER,
    Structure,
    c_char_p,
    c_int,
    c_size_t,
    c_uint,
    c_ulong,
    c_void_p,
)

SONAME = "libsshhostkeys.so.0"

# enum shk_status
OK = 0
ERR_NOMEM = -1
ERR_INVAL = -2
ERR_PARSE = -3
ERR_SYSTEM = -4
ERR_NOTFOUND = -5
ERR_UNTRUSTED = -6
ERR_UNSUPPORTED = -7
ERR_MODULE = -8
ERR_RANGE = -9

CTX_NO_ENV = 0x1
CTX_USER_UID = 0x2
POLICY_FLAG_REPLACE = 0x1


class Diag(Structure):
    _fields_ = [
        ("level", c_int),
        ("code", c_int),
        ("file", c_char_p),
        ("line", c_ulong),
        ("msg", c_char_p),
    ]


class Key(Structure):
    _fields_ = [
        ("type", c_char_p),
        ("blob", c_void_p),
        ("bloblen", c_size_t),
        ("comment", c_char_p),
    ]


class HostKey(Structure):
    _fields_ = [
        ("type", c_char_p),
        ("blob", c_void_p),
        ("bloblen", c_size_t),
        ("marker", c_int),
        ("source", c_char_p),
        ("origin", c_char_p),
        ("line", c_ulong),
        ("comment", c_char_p),
    ]


class KeyList(Structure):
    _fields_ = [
        ("count", c_size_t),
        ("keys", POINTER(POINTER(HostKey))),
        ("kh_name", c_char_p),
    ]


class Verification(Structure):
    _fields_ = [
        ("verdict", c_int),
        ("evidence", POINTER(HostKey)),
        ("known", POINTER(KeyList)),
        ("port_fallback", c_int),
        ("ca", POINTER(HostKey)),
        ("ca_port_fallback", c_int),
    ]


class SourceInfo(Structure):
    _fields_ = [
        ("name", c_char_p),
        ("state", c_char_p),
        ("actions", c_char_p),
        ("ready", c_int),
        ("can_verify", c_int),
    ]


class SourceList(Structure):
    _fields_ = [
        ("count", c_size_t),
        ("sources", POINTER(POINTER(SourceInfo))),
        ("config_file", c_char_p),
        ("config_line", c_ulong),
        ("config_error", c_char_p),
    ]


LOG_FN = CFUNCTYPE(None, c_void_p, POINTER(Diag))
POLICY_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, c_uint, POINTER(Key), POINTER(Verification))
FOREACH_FN = CFUNCTYPE(c_int, c_void_p, c_char_p, POINTER(HostKey))


class PolicyParams(Structure):
    _fields_ = [
        ("size", c_size_t),
        ("policy", c_int),
        ("flags", c_uint),
        ("scope", c_int),
        ("format", c_int),
        ("fn", POLICY_FN),
        ("fn_arg", c_void_p),
    ]


class CtxOptions(Structure):
    _fields_ = [
        ("size", c_size_t),
        ("root", c_char_p),
        ("flags", c_uint),
        ("log", LOG_FN),
        ("log_arg", c_void_p),
        ("home", c_char_p),
        ("user_uid", c_ulong),
    ]


def _load():
    # By soname, as any program would: the installed library, or the build
    # tree's when LD_LIBRARY_PATH names it (the tests). SSHHOSTKEYS_LIBRARY
    # names a file instead, for a library nowhere on the search path.
    lib = ctypes.CDLL(os.environ.get("SSHHOSTKEYS_LIBRARY") or SONAME, use_errno=True)
    protos = {
        "shk_version": (c_char_p, []),
        "shk_strerror": (c_char_p, [c_int]),
        "shk_verdict_name": (c_char_p, [c_int]),
        "shk_key_parse": (c_int, [c_char_p, c_size_t, POINTER(POINTER(Key))]),
        "shk_key_from_blob": (c_int, [c_char_p, c_size_t, POINTER(POINTER(Key))]),
        "shk_key_load_file": (
            c_int,
            [c_char_p, LOG_FN, c_void_p, POINTER(POINTER(POINTER(Key))), POINTER(c_size_t)],
        ),
        "shk_key_free": (None, [POINTER(Key)]),
        "shk_key_array_free": (None, [POINTER(POINTER(Key)), c_size_t]),
        "shk_key_bits": (c_uint, [POINTER(Key)]),
        "shk_key_fingerprint": (c_int, [POINTER(Key), c_int, POINTER(c_void_p)]),
        "shk_ctx_open_with": (c_int, [POINTER(c_void_p), POINTER(CtxOptions)]),
        "shk_ctx_close": (None, [c_void_p]),
        "shk_lookup": (
            c_int,
            [c_void_p, c_char_p, c_uint, c_char_p, POINTER(POINTER(KeyList))],
        ),
        "shk_keylist_free": (None, [POINTER(KeyList)]),
        "shk_verify": (
            c_int,
            [c_void_p, c_char_p, c_uint, POINTER(Key), POINTER(POINTER(Verification))],
        ),
        "shk_verification_free": (None, [POINTER(Verification)]),
        "shk_sources": (c_int, [c_void_p, POINTER(POINTER(SourceList))]),
        "shk_sourcelist_free": (None, [POINTER(SourceList)]),
        "shk_store_add": (
            c_int,
            [
                c_void_p,
                c_int,
                c_int,
                c_char_p,
                c_uint,
                POINTER(POINTER(Key)),
                c_size_t,
                POINTER(c_size_t),
            ],
        ),
        "shk_store_remove": (
            c_int,
            [c_void_p, c_int, c_char_p, c_uint, POINTER(c_size_t)],
        ),
        "shk_check_host_key": (
            c_int,
            [
                c_void_p,
                c_char_p,
                c_uint,
                POINTER(Key),
                POINTER(PolicyParams),
                POINTER(c_int),
                POINTER(POINTER(Verification)),
            ],
        ),
        "shk_foreach": (c_int, [c_void_p, FOREACH_FN, c_void_p]),
    }
    for name, (res, args) in protos.items():
        fn = getattr(lib, name)
        fn.restype = res
        fn.argtypes = args
    return lib


lib = _load()
libc = ctypes.CDLL(None)
libc.free.argtypes = [c_void_p]
libc.free.restype = None
