# SPDX-License-Identifier: MIT
"""paramiko, checked against sshhostkeys.

paramiko asks a MissingHostKeyPolicy only about hosts it does not know
itself, and when it knows nothing it asks the server for ed25519 first.
:func:`attach` closes both gaps: every server key is checked against the
stores, known hosts included, and the host-key algorithms offered are
ordered by what the stores know (as OpenSSH orders them)::

    client = paramiko.SSHClient()
    sshhostkeys.paramiko.attach(client)        # policy="strict"
    client.connect("alpha.example.com", username="me")

A revoked key raises :class:`RevokedHostKeyException` and a changed key
``paramiko.BadHostKeyException`` under every policy; the policy decides
only about hosts the stores do not know. :class:`SSHHostKeysPolicy` alone is
a ``paramiko.MissingHostKeyPolicy`` (only asked about what paramiko does
not know); :class:`AutoAddPolicy`, :class:`RejectPolicy` and
:class:`WarningPolicy` are paramiko's three by name, over the stores.
"""

import inspect
import logging
import threading
from typing import List, Optional, Union

import paramiko

from . import Context, Decision, Error, Key, Marker, PolicyCallable, Verdict, Verification

__all__ = [
    "AutoAddPolicy",
    "RejectPolicy",
    "RevokedHostKeyException",
    "SSHHostKeysPolicy",
    "WarningPolicy",
    "attach",
    "order_key_types",
]

log = logging.getLogger("sshhostkeys")

_shared = None
_shared_lock = threading.Lock()


def _default_context() -> Context:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = Context()
        return _shared


class RevokedHostKeyException(paramiko.SSHException):
    """The server presented a key the stores mark @revoked."""

    def __init__(self, hostname: str, key, evidence):
        self.hostname = hostname
        self.key = key
        self.evidence = evidence
        where = " (%s)" % evidence.where if evidence is not None else ""
        super().__init__("Host key for server %r is revoked%s" % (hostname, where))


def _split(hostname: str, port: Optional[int]):
    """paramiko names a host "name" on port 22, "[name]:port" otherwise."""
    if port is None and hostname.startswith("[") and "]:" in hostname:
        name, _, p = hostname[1:].rpartition("]:")
        if p.isdigit():
            return name, int(p)
    return hostname, port if port is not None else 22


def _pkey(hk) -> paramiko.PKey:
    """A paramiko key for an entry, for BadHostKeyException's message."""
    classes = {"ssh-rsa": paramiko.RSAKey, "ssh-dss": paramiko.DSSKey,
               "ssh-ed25519": paramiko.Ed25519Key}
    cls = classes.get(hk.type)
    if cls is None and hk.type.startswith("ecdsa-sha2-"):
        cls = paramiko.ECDSAKey
    if cls is not None:
        try:
            return cls(data=hk.blob)
        except Exception:
            pass
    return _OpaqueKey(hk)


class _OpaqueKey(paramiko.PKey):
    """A key paramiko cannot parse, enough for an exception message."""

    def __init__(self, hk):
        self._hk = hk

    def asbytes(self):
        return self._hk.blob

    def get_name(self):
        return self._hk.type

    def get_bits(self):
        return self._hk.bits


_POLICY_NAMES = ("default", "strict", "accept-new", "auto-add", "warn", "ask")


class SSHHostKeysPolicy(paramiko.MissingHostKeyPolicy):
    """Decide about a server key with the sshhostkeys stores.

    policy is a name ("strict" refuses, "accept-new" stores and accepts,
    "auto-add" the same, "warn" accepts with a warning without storing,
    "ask" prompts on the terminal, "default" is sshhostkeys.conf's) or a
    callable ``f(hostname, port, key, verification)`` returning a
    :class:`sshhostkeys.Decision` or a bool; it decides about unknown
    hosts only. Revoked and changed keys are refused under every policy.
    Learned keys go to the user store (scope, format as for
    :meth:`Context.check`)."""

    def __init__(self, policy: Union[str, PolicyCallable] = "strict",
                 ctx: Optional[Context] = None, scope: str = "user", format: str = "default"):
        if not callable(policy) and policy not in _POLICY_NAMES:
            raise ValueError("policy must be a callable or one of %s, not %r"
                             % (", ".join(_POLICY_NAMES), policy))
        self.policy = policy
        self.ctx = ctx
        self.scope = scope
        self.format = format
        # Keys attach() already checked, so paramiko's own call for a host
        # it does not know is not a second check (and a second prompt).
        self._checked = threading.local()

    def _context(self) -> Context:
        return self.ctx if self.ctx is not None else _default_context()

    def check(self, hostname: str, port: Optional[int], key: paramiko.PKey) -> Verification:
        """Check key for hostname:port; raise unless it may be used."""
        name, port = _split(hostname, port)
        ctx = self._context()
        k = Key.from_blob(key.asbytes())
        v = ctx.verify(name, port, k)
        if v.verdict == Verdict.REVOKED:
            raise RevokedHostKeyException(name, key, v.evidence)
        if v.verdict in (Verdict.CHANGED, Verdict.OTHER):
            # OpenSSH treats a host known only with other key types as changed.
            expected = v.expected(k.type)
            raise paramiko.BadHostKeyException(name, key, _pkey(expected) if expected else key)
        if v.verdict != Verdict.MATCH:
            policy = self.policy
            if callable(policy):
                policy = _unknown_only(policy)
            res = ctx.check(name, port, k, policy=policy, scope=self.scope, format=self.format)
            if not res.accepted:
                if res.verification is not None and res.verification.verdict == Verdict.REVOKED:
                    raise RevokedHostKeyException(name, key, res.verification.evidence)
                raise paramiko.SSHException(
                    "Server %r not found in the sshhostkeys stores (policy %s)"
                    % (hostname, getattr(self.policy, "__name__", self.policy)))
            v = res.verification or v
        self._checked.last = (name, port, key.asbytes())
        return v

    def missing_host_key(self, client, hostname, key):
        if getattr(self._checked, "last", None) == (*_split(hostname, None), key.asbytes()):
            return
        self.check(hostname, None, key)


def _unknown_only(fn: PolicyCallable) -> PolicyCallable:
    # The library also offers changed keys to a custom policy; here they
    # were refused before it is asked, so it only ever sees unknown hosts.
    def decide(host, port, key, verification):
        if verification.verdict != Verdict.UNKNOWN:
            return Decision.REFUSE
        return fn(host, port, key, verification)

    decide.__name__ = getattr(fn, "__name__", "custom")
    return decide


class AutoAddPolicy(SSHHostKeysPolicy):
    """paramiko's AutoAddPolicy over the stores: an unknown host's key is
    stored in the sshhostkeys user store (and accepted); revoked and
    changed keys are still refused."""

    def __init__(self, ctx: Optional[Context] = None, **kw):
        super().__init__("auto-add", ctx, **kw)


class RejectPolicy(SSHHostKeysPolicy):
    """paramiko's RejectPolicy over the stores: unknown hosts are refused."""

    def __init__(self, ctx: Optional[Context] = None, **kw):
        super().__init__("strict", ctx, **kw)


class WarningPolicy(SSHHostKeysPolicy):
    """paramiko's WarningPolicy over the stores: an unknown host is
    accepted with a warning (logged) and not stored."""

    def __init__(self, ctx: Optional[Context] = None, **kw):
        super().__init__("warn", ctx, **kw)


# paramiko's host-key algorithm names for a key type the stores hold.
_ALGS_OF_TYPE = {"ssh-rsa": ("rsa-sha2-512", "rsa-sha2-256", "ssh-rsa")}


def order_key_types(offered: List[str], known_types) -> List[str]:
    """offered with the algorithms of known_types first, each group in
    paramiko's order of preference (OpenSSH's order_hostkeyalgs)."""
    algs = set()
    for t in known_types:
        algs.update(_ALGS_OF_TYPE.get(t, (t,)))
    return [a for a in offered if a in algs] + [a for a in offered if a not in algs]


def _guard_transport(t: paramiko.Transport, policy: SSHHostKeysPolicy, hostname: str,
                     port: int) -> None:
    """Order t's host-key algorithms by the stores, and check the server's
    key as soon as the key exchange is done."""
    start = t.start_client

    def start_client(*args, **kwargs):
        try:
            keys = policy._context().lookup(hostname, port)
            known = [k.type for k in keys if k.marker == Marker.NONE]
            if known:
                opts = t.get_security_options()
                opts.key_types = order_key_types(list(opts.key_types), known)
        except Error as e:
            log.warning("%s", e)
        start(*args, **kwargs)
        try:
            policy.check(hostname, port, t.get_remote_server_key())
        except BaseException:
            t.close()
            raise

    t.start_client = start_client


def attach(client: paramiko.SSHClient, ctx: Optional[Context] = None,
           policy: Union[str, PolicyCallable, SSHHostKeysPolicy] = "strict") -> SSHHostKeysPolicy:
    """Make client check every server key against the sshhostkeys stores.

    After attach, ``client.connect()`` orders the host-key algorithms by
    what the stores know for the host and port, checks the key the server
    presents before authenticating (a revoked key raises
    RevokedHostKeyException, a changed one BadHostKeyException, whatever
    the policy), and lets policy decide about unknown hosts. ctx is the
    Context to use (None: one shared, opened on first use). Returns the
    policy object, also set as the client's missing-host-key policy."""
    if not isinstance(policy, SSHHostKeysPolicy):
        policy = SSHHostKeysPolicy(policy, ctx)
    elif ctx is not None:
        policy.ctx = ctx
    client.set_missing_host_key_policy(policy)
    connect = client.connect
    sig = inspect.signature(connect)

    def guarded_connect(*args, **kwargs):
        bound = sig.bind(*args, **kwargs)
        bound.apply_defaults()
        hostname = bound.arguments["hostname"]
        port = bound.arguments["port"]
        factory = bound.arguments.get("transport_factory") or paramiko.Transport

        def make(sock, **kw):
            t = factory(sock, **kw)
            _guard_transport(t, policy, hostname, port)
            return t

        bound.arguments["transport_factory"] = make
        return connect(*bound.args, **bound.kwargs)

    guarded_connect.__doc__ = connect.__doc__
    client.connect = guarded_connect
    return policy
