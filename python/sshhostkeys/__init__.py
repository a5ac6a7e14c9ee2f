# SPDX-License-Identifier: MIT
"""Which keys may host H on port P present? Python over libsshhostkeys.

The sources (known_hosts files, Tectia ssh2 stores, ...) and their order
are the system's: the ``ssh_hostkeys:`` line of nsswitch.conf. A
:class:`Context` asks them::

    import sshhostkeys
    with sshhostkeys.Context() as ctx:
        for k in ctx.lookup("alpha.example.com"):
            print(k.type, k.fingerprint(), k.origin, k.line)
        v = ctx.verify("alpha.example.com", 22, key)
        if v.verdict is sshhostkeys.Verdict.MATCH: ...

Errors are :class:`Error` exceptions whose text is the library's
``file:line: message``; every library diagnostic also goes to the
``logging`` logger ``"sshhostkeys"``. For paramiko, see
:mod:`sshhostkeys.paramiko`.
"""

import base64
import ctypes
import enum
import logging
import os
import threading
from ctypes import POINTER, byref, c_int, c_size_t, c_void_p
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import _ffi

__all__ = [
    "Context",
    "Decision",
    "Error",
    "ExportEntry",
    "HostKey",
    "Key",
    "Marker",
    "NotFoundError",
    "Source",
    "Verdict",
    "Verification",
    "CheckResult",
    "library_version",
]

log = logging.getLogger("sshhostkeys")

_LEVELS = {0: logging.ERROR, 1: logging.WARNING, 2: logging.INFO, 3: logging.DEBUG}


def library_version() -> str:
    """The version of the libsshhostkeys loaded, e.g. ``"0.1.0"``.

    Compare ``tuple(int(x) for x in library_version().split("."))``, never
    the strings."""
    return _ffi.lib.shk_version().decode()


def _s(b: Optional[bytes]) -> Optional[str]:
    return None if b is None else b.decode("utf-8", "surrogateescape")


def _b(s: Optional[str]) -> Optional[bytes]:
    return None if s is None else s.encode("utf-8", "surrogateescape")


def _diag_text(file: Optional[str], line: int, msg: str) -> str:
    # As the library formats a diagnostic: "file:line: msg", "file: msg", "msg".
    if file is None:
        return msg
    return "%s:%d: %s" % (file, line, msg) if line else "%s: %s" % (file, msg)


class Error(Exception):
    """A library call failed.

    ``status`` is the library's status (negative), ``name`` its
    shk_strerror() text, ``messages`` the ``file:line: message``
    diagnostics the call logged as errors; ``str()`` is the last of them
    (or what failed and the name when there is none)."""

    def __init__(self, status: int, messages: Sequence[str] = (), what: str = ""):
        self.status = status
        self.name = _ffi.lib.shk_strerror(status).decode()
        self.messages = list(messages)
        if self.messages:
            super().__init__(self.messages[-1])
        else:
            super().__init__("%s: %s" % (what, self.name) if what else self.name)


class NotFoundError(Error, LookupError):
    """SHK_ERR_NOTFOUND: no such file, host or entry."""


def _error(status: int, messages: Sequence[str] = (), what: str = "") -> Error:
    cls = NotFoundError if status == _ffi.ERR_NOTFOUND else Error
    return cls(status, messages, what)


class Marker(enum.IntEnum):
    """The known_hosts marker of an entry."""

    NONE = 0
    CERT_AUTHORITY = 1
    REVOKED = 2


class Verdict(enum.IntEnum):
    """What a store says about a presented key (the CLI's exit codes)."""

    MATCH = 0
    UNKNOWN = 1
    CHANGED = 3
    REVOKED = 4
    OTHER = 5


class Decision(enum.IntEnum):
    """What a policy decided about a key."""

    REFUSE = 0
    ACCEPT = 1
    ACCEPT_AND_STORE = 2


_POLICIES = {
    "default": 0,
    "strict": 1,
    "accept-new": 2,
    "auto-add": 3,
    "warn": 4,
    "ask": 5,
}
_SCOPES = {"user": 0, "system": 1}
_FORMATS = {"default": 0, "hashed": 1, "plain": 2}
_FP_KINDS = {"sha256": 0, "md5": 1, "bubblebabble": 2}


def _choice(table: dict, value: str, what: str) -> int:
    try:
        return table[value]
    except KeyError:
        raise ValueError("%s must be one of %s, not %r" % (what, ", ".join(table), value)) from None


class _Capture(threading.local):
    """The diagnostics of the call running in this thread."""

    def __init__(self):
        self.errors: Optional[List[str]] = None


_capture = _Capture()


def _on_diag(arg, diagp) -> None:
    d = diagp.contents
    text = _diag_text(_s(d.file), d.line, _s(d.msg) or "")
    log.log(_LEVELS.get(d.level, logging.DEBUG), "%s", text)
    if d.level == 0 and _capture.errors is not None:
        _capture.errors.append(text)


# One C callback for the life of the process: ctypes must keep it alive
# as long as any context may call it.
_LOG_CB = _ffi.LOG_FN(_on_diag)


def _call(what: str, fn, *args) -> int:
    """Run a library call; raise Error with its diagnostics on failure,
    return the status otherwise (SHK_OK or SHK_ERR_NOTFOUND for calls
    where not finding is an answer)."""
    outer = _capture.errors
    _capture.errors = []
    try:
        r = fn(*args)
        if r < 0 and r != _ffi.ERR_NOTFOUND:
            raise _error(r, _capture.errors, what)
        return r
    finally:
        msgs = _capture.errors
        _capture.errors = outer
        if outer is not None:
            outer.extend(msgs)


def _raise_notfound(what: str, r: int) -> None:
    if r == _ffi.ERR_NOTFOUND:
        raise _error(r, (), what)


class Key:
    """A public key: its type name, RFC 4253 wire blob and comment.

    Make one with :meth:`parse` (an OpenSSH ``TYPE BASE64 [COMMENT]`` line),
    :meth:`from_blob` (the bytes a server presents, e.g. paramiko's
    ``PKey.asbytes()``) or :meth:`load_file`; the library checks each."""

    __slots__ = ("type", "blob", "comment")

    def __init__(self, type: str, blob: bytes, comment: Optional[str] = None):
        self.type = type
        self.blob = bytes(blob)
        self.comment = comment

    @classmethod
    def _from_c(cls, kp) -> "Key":
        k = kp.contents
        return cls(_s(k.type), ctypes.string_at(k.blob, k.bloblen), _s(k.comment))

    @classmethod
    def _make(cls, what: str, fn, *args) -> "Key":
        out = POINTER(_ffi.Key)()
        r = _call(what, fn, *args, byref(out))
        if r != _ffi.OK:
            raise _error(r, (), what)
        try:
            return cls._from_c(out)
        finally:
            _ffi.lib.shk_key_free(out)

    @classmethod
    def parse(cls, text: str) -> "Key":
        """A key from one OpenSSH public key line; Error when it is bad."""
        b = _b(text)
        return cls._make("key", _ffi.lib.shk_key_parse, b, len(b))

    @classmethod
    def from_blob(cls, blob: bytes) -> "Key":
        """A key from its wire blob; the type is the blob's own."""
        blob = bytes(blob)
        return cls._make("key blob", _ffi.lib.shk_key_from_blob, blob, len(blob))

    @classmethod
    def load_file(cls, path: str) -> List["Key"]:
        """Every key of a file (OpenSSH lines or RFC 4716 blocks). Bad parts
        are logged and skipped; NotFoundError when there is no key."""
        keys = POINTER(POINTER(_ffi.Key))()
        n = c_size_t(0)
        r = _call(path, _ffi.lib.shk_key_load_file, _b(path), _LOG_CB, None, byref(keys),
                  byref(n))
        _raise_notfound(path, r)
        try:
            return [cls._from_c(keys[i]) for i in range(n.value)]
        finally:
            _ffi.lib.shk_key_array_free(keys, n.value)

    def _c(self):
        """A library copy of this key (caller frees with shk_key_free)."""
        out = POINTER(_ffi.Key)()
        r = _call("key", _ffi.lib.shk_key_from_blob, self.blob, len(self.blob), byref(out))
        if r != _ffi.OK:
            raise _error(r, (), "key")
        return out

    @property
    def base64(self) -> str:
        return base64.b64encode(self.blob).decode()

    @property
    def bits(self) -> int:
        """The size ssh-keygen -l prints; 0 for types the library only
        keeps as opaque blobs."""
        k = self._c()
        try:
            return _ffi.lib.shk_key_bits(k)
        finally:
            _ffi.lib.shk_key_free(k)

    def fingerprint(self, kind: str = "sha256") -> str:
        """As ssh-keygen prints it: kind "sha256", "md5" or "bubblebabble"."""
        k = self._c()
        out = c_void_p()
        try:
            r = _call("fingerprint", _ffi.lib.shk_key_fingerprint, k,
                      _choice(_FP_KINDS, kind, "kind"), byref(out))
            _raise_notfound("fingerprint", r)
            try:
                return ctypes.string_at(out.value).decode()
            finally:
                _ffi.libc.free(out)
        finally:
            _ffi.lib.shk_key_free(k)

    def __str__(self) -> str:
        s = "%s %s" % (self.type, self.base64)
        return s + " " + self.comment if self.comment else s

    def __repr__(self) -> str:
        return "Key(%r, %s...)" % (self.type, self.base64[-12:])

    def __eq__(self, other) -> bool:
        return isinstance(other, Key) and (self.type, self.blob) == (other.type, other.blob)

    def __hash__(self) -> int:
        return hash((self.type, self.blob))


class HostKey(Key):
    """A key a source knows for a host, with where it came from."""

    __slots__ = ("marker", "source", "origin", "line")

    def __init__(self, type: str, blob: bytes, comment: Optional[str], marker: Marker,
                 source: str, origin: Optional[str], line: int):
        super().__init__(type, blob, comment)
        self.marker = marker
        self.source = source
        self.origin = origin
        self.line = line

    @classmethod
    def _from_hk(cls, p) -> Optional["HostKey"]:
        if not p:
            return None
        k = p.contents
        return cls(_s(k.type), ctypes.string_at(k.blob, k.bloblen), _s(k.comment),
                   Marker(k.marker), _s(k.source), _s(k.origin), k.line)

    @property
    def revoked(self) -> bool:
        return self.marker == Marker.REVOKED

    @property
    def where(self) -> str:
        """"origin:line" (or the source name when there is no file)."""
        if self.origin is None:
            return self.source
        return "%s:%d" % (self.origin, self.line) if self.line else self.origin

    def __repr__(self) -> str:
        m = "" if self.marker == Marker.NONE else "@%s " % self.marker.name.lower()
        return "HostKey(%s%r from %s)" % (m, self.type, self.where)


def _keylist(kl) -> List[HostKey]:
    return [HostKey._from_hk(kl.keys[i]) for i in range(kl.count)]


@dataclass
class Verification:
    """A verdict and its evidence.

    ``evidence`` is the entry that decided (the matching or revoked key),
    ``known`` every key considered for the host (for CHANGED and OTHER the
    keys it is known with), ``ca`` a certificate's @cert-authority entry."""

    verdict: Verdict
    evidence: Optional[HostKey] = None
    known: List[HostKey] = field(default_factory=list)
    port_fallback: bool = False
    ca: Optional[HostKey] = None
    ca_port_fallback: bool = False

    @classmethod
    def _from_c(cls, vp) -> "Verification":
        v = vp.contents
        return cls(Verdict(v.verdict), HostKey._from_hk(v.evidence), _keylist(v.known.contents),
                   bool(v.port_fallback), HostKey._from_hk(v.ca), bool(v.ca_port_fallback))

    @property
    def ok(self) -> bool:
        return self.verdict == Verdict.MATCH

    def expected(self, keytype: Optional[str] = None) -> Optional[HostKey]:
        """A key the host is known with: of keytype when there is one,
        else the first (for CHANGED and OTHER messages)."""
        plain = [k for k in self.known if k.marker == Marker.NONE]
        for k in plain:
            if keytype is None or k.type == keytype:
                return k
        return plain[0] if plain else None


@dataclass
class CheckResult:
    """The outcome of :meth:`Context.check`."""

    decision: Decision
    verification: Optional[Verification]

    @property
    def accepted(self) -> bool:
        return self.decision != Decision.REFUSE

    @property
    def stored(self) -> bool:
        return self.decision == Decision.ACCEPT_AND_STORE


@dataclass
class Source:
    """One source of the order (the CLI's ``sources``)."""

    name: str
    state: str
    actions: str
    ready: bool
    can_verify: bool


@dataclass
class ExportEntry:
    """One key of a source: ``names`` is a known_hosts host field (a name,
    ``[name]:port``, a pattern list or a ``|1|`` hash), or None for a key
    whose host no one can name (a hashed ssh2 file: ``key.where`` names the
    file; look the hosts you know up to find it under a name)."""

    names: Optional[str]
    key: HostKey

    @property
    def line(self) -> str:
        """The entry as a known_hosts line, its marker included; ValueError
        for an entry without a name."""
        if self.names is None:
            raise ValueError("no name for the key in %s" % self.key.where)
        m = "" if self.key.marker == Marker.NONE else (
            "@cert-authority " if self.key.marker == Marker.CERT_AUTHORITY else "@revoked ")
        return "%s%s %s %s" % (m, self.names, self.key.type, self.key.base64)


PolicyCallable = Callable[[str, int, Key, Verification], Union[Decision, bool, None]]
KeyLike = Union[Key, bytes, str]


def as_key(key) -> Key:
    """A Key from a Key, a wire blob (bytes), an OpenSSH line (str), or
    anything with ``asbytes()`` (a paramiko PKey)."""
    if isinstance(key, Key):
        return key
    if isinstance(key, (bytes, bytearray, memoryview)):
        return Key.from_blob(bytes(key))
    if isinstance(key, str):
        return Key.parse(key)
    if hasattr(key, "asbytes"):
        return Key.from_blob(key.asbytes())
    raise TypeError("not a key: %r" % (key,))


def _abspath(p) -> Optional[str]:
    return None if p is None else os.path.abspath(os.fspath(p))


def _port(port: Optional[int]) -> int:
    if port is None:
        return 0
    if not 0 < int(port) < 65536:
        raise ValueError("port %r out of range" % (port,))
    return int(port)


class Context:
    """An open library context: the configuration, the order and the
    modules, kept until :meth:`close` (or the end of a ``with`` block).

    root prefixes every system path (None: $SSHHOSTKEYS_ROOT or "/");
    home names the home whose user stores (~/.ssh/known_hosts,
    ~/.ssh2/hostkeys) are read and written (None: $HOME); uid names the
    user owning them, whose files are then trusted (a service acting for
    several users opens one context per user). Relative paths are made
    absolute against the current directory. use_env=False ignores the
    SSHHOSTKEYS_* environment overrides.

    A context may be used from several threads at once."""

    def __init__(self, root: Optional["os.PathLike[str] | str"] = None,
                 home: Optional["os.PathLike[str] | str"] = None,
                 uid: Optional[int] = None, use_env: bool = True):
        opts = _ffi.CtxOptions()
        opts.size = ctypes.sizeof(_ffi.CtxOptions)
        opts.root = _b(_abspath(root))
        opts.home = _b(_abspath(home))
        opts.flags = (0 if use_env else _ffi.CTX_NO_ENV) | (0 if uid is None else _ffi.CTX_USER_UID)
        opts.user_uid = 0 if uid is None else uid
        opts.log = _LOG_CB
        self._ctx = c_void_p()
        r = _call("open", _ffi.lib.shk_ctx_open_with, byref(self._ctx), byref(opts))
        _raise_notfound("open", r)

    def close(self) -> None:
        """Release the context; later calls raise ValueError."""
        if self._ctx:
            _ffi.lib.shk_ctx_close(self._ctx)
            self._ctx = c_void_p()

    def __enter__(self) -> "Context":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    def _h(self) -> c_void_p:
        if not self._ctx:
            raise ValueError("the context is closed")
        return self._ctx

    def lookup(self, host: str, port: Optional[int] = None,
               keytype: Optional[str] = None) -> List[HostKey]:
        """The keys host may present on port (None: the port host names,
        as in "[host]:2222", else 22), of keytype (None: any), from the
        configured sources in order. Revocations that apply are included
        (``marker`` REVOKED); an unknown host gives no key that is not one."""
        out = POINTER(_ffi.KeyList)()
        try:
            _call(host, _ffi.lib.shk_lookup, self._h(), _b(host), _port(port), _b(keytype),
                  byref(out))
            return _keylist(out.contents) if out else []
        finally:
            _ffi.lib.shk_keylist_free(out)

    def verify(self, host: str, port: Optional[int], key: KeyLike) -> Verification:
        """What the stores say about key presented by host on port."""
        k = as_key(key)._c()
        out = POINTER(_ffi.Verification)()
        try:
            r = _call(host, _ffi.lib.shk_verify, self._h(), _b(host), _port(port), k, byref(out))
            _raise_notfound(host, r)
            return Verification._from_c(out)
        finally:
            _ffi.lib.shk_verification_free(out)
            _ffi.lib.shk_key_free(k)

    def check(self, host: str, port: Optional[int], key: KeyLike,
              policy: Union[str, PolicyCallable] = "default", scope: str = "user",
              format: str = "default", replace: bool = False) -> CheckResult:
        """Verify key, decide under policy and store it when the decision
        says so, as ``sshhostkeys verify --policy`` does.

        policy is "default" (sshhostkeys.conf's), "strict", "accept-new",
        "auto-add", "warn", "ask", or a callable ``f(host, port, key,
        verification)`` returning a Decision (or True for ACCEPT, False or
        None for REFUSE); it is asked about unknown, changed and other-type
        keys, never about a match (accepted) or a revoked key (refused).
        An exception it raises refuses the key and is raised again here.
        Learned keys go to scope ("user" or "system") in format ("default",
        "hashed", "plain"); replace lets auto-add replace a changed key."""
        params = _ffi.PolicyParams()
        params.size = ctypes.sizeof(_ffi.PolicyParams)
        params.scope = _choice(_SCOPES, scope, "scope")
        params.format = _choice(_FORMATS, format, "format")
        params.flags = _ffi.POLICY_FLAG_REPLACE if replace else 0
        raised: List[BaseException] = []
        if callable(policy):
            cb = _ffi.POLICY_FN(_policy_trampoline(policy, raised))
            params.policy = 6
            params.fn = cb
        else:
            params.policy = _choice(_POLICIES, policy, "policy")
        k = as_key(key)._c()
        decision = c_int(0)
        out = POINTER(_ffi.Verification)()
        try:
            r = _call(host, _ffi.lib.shk_check_host_key, self._h(), _b(host), _port(port), k,
                      byref(params), byref(decision), byref(out))
            if raised:
                raise raised[0]
            _raise_notfound(host, r)
            return CheckResult(Decision(decision.value),
                               Verification._from_c(out) if out else None)
        finally:
            _ffi.lib.shk_verification_free(out)
            _ffi.lib.shk_key_free(k)

    def add(self, host: str, keys: Union[KeyLike, Iterable[KeyLike]], port: Optional[int] = None,
            scope: str = "user", format: str = "default") -> int:
        """Add keys for host to the ssh2 store of scope; returns how many
        were new (a key already there is not added twice)."""
        if isinstance(keys, (Key, bytes, bytearray, str)) or hasattr(keys, "asbytes"):
            keys = [keys]
        ck = [as_key(k)._c() for k in keys]
        arr = (POINTER(_ffi.Key) * max(len(ck), 1))(*ck)
        added = c_size_t(0)
        try:
            r = _call(host, _ffi.lib.shk_store_add, self._h(), _choice(_SCOPES, scope, "scope"),
                      _choice(_FORMATS, format, "format"), _b(host), _port(port), arr, len(ck),
                      byref(added))
            _raise_notfound(host, r)
            return added.value
        finally:
            for k in ck:
                _ffi.lib.shk_key_free(k)

    def remove(self, host: str, port: Optional[int] = None, scope: str = "user") -> int:
        """Remove host from the stores of scope, as ssh-keygen -R does
        (FILE.old keeps the previous contents); returns the number of files
        and lines removed, 0 when nothing named the host."""
        n = c_size_t(0)
        r = _call(host, _ffi.lib.shk_store_remove, self._h(), _choice(_SCOPES, scope, "scope"),
                  _b(host), _port(port), byref(n))
        return 0 if r == _ffi.ERR_NOTFOUND else n.value

    def sources(self) -> List[Source]:
        """The effective order and the state of each source."""
        out = POINTER(_ffi.SourceList)()
        try:
            _call("sources", _ffi.lib.shk_sources, self._h(), byref(out))
            sl = out.contents
            return [Source(_s(s.name), _s(s.state), _s(s.actions), bool(s.ready),
                           bool(s.can_verify))
                    for s in (sl.sources[i].contents for i in range(sl.count))]
        finally:
            _ffi.lib.shk_sourcelist_free(out)

    def export(self) -> List[ExportEntry]:
        """Every key of every configured source, in order, markers
        included; a key of a hashed ssh2 file comes with ``names`` None
        (its file name hides the host). For a file that clients ignoring
        @revoked can read safely, use the CLI's ``sshhostkeys export``,
        which never writes a revoked key as trusted."""
        entries: List[ExportEntry] = []

        def one(arg, names, hk) -> int:
            entries.append(ExportEntry(_s(names), HostKey._from_hk(hk)))
            return 0

        r = _call("export", _ffi.lib.shk_foreach, self._h(), _ffi.FOREACH_FN(one), None)
        _raise_notfound("export", r)
        return entries


def _policy_trampoline(fn: PolicyCallable, raised: List[BaseException]):
    def call(arg, host, port, keyp, vp) -> int:
        try:
            d = fn(_s(host), port, Key._from_c(keyp), Verification._from_c(vp))
        except BaseException as e:  # re-raised by check() once the call returns
            raised.append(e)
            return int(Decision.REFUSE)
        if d is True:
            return int(Decision.ACCEPT)
        if d is None or d is False:
            return int(Decision.REFUSE)
        return int(Decision(d))

    return call
