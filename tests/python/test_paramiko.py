# SPDX-License-Identifier: MIT
"""attach() and the policies against a real sshd on 127.0.0.1."""

import subprocess

import paramiko
import pytest

import sshhostkeys
import sshhostkeys.paramiko as shkp
from sshhostkeys import Decision, Verdict

HOST = "127.0.0.1"


def client_for(sshd, store, policy="strict", known_hosts=None):
    client = paramiko.SSHClient()
    if known_hosts is not None:
        client.load_host_keys(str(known_hosts))
    shkp.attach(client, ctx=store.context(), policy=policy)
    return client


def connect(client, sshd):
    """Connect and authenticate as root with the test's client key."""
    try:
        client.connect(HOST, port=sshd.port, username="root", key_filename=sshd.client_key,
                       look_for_keys=False, allow_agent=False, timeout=20, banner_timeout=20,
                       auth_timeout=20)
        t = client.get_transport()
        assert t.is_authenticated()
        return t.get_remote_server_key()
    finally:
        client.close()


def rfc4716(line):
    return subprocess.run(["ssh-keygen", "-e", "-f", "/dev/stdin"], input=line + "\n",
                          capture_output=True, text=True, check=True).stdout


def hold(store, sshd, fmt, key_line):
    """Put key_line for the server's host and port in the store, as fmt."""
    if fmt == "plain-ssh2":
        store.ssh2_plain(HOST, sshd.port, rfc4716(key_line))
    elif fmt == "hashed-ssh2":
        f = store.write("in.pub", key_line + "\n")
        r = store.cli("add", "-p", str(sshd.port), "--format", "hashed", HOST, str(f))
        assert r.returncode == 0, r.stderr
        assert any(p.name.startswith("keys_") for p in (store.home / ".ssh2/hostkeys").iterdir())
    else:
        store.known_hosts("[%s]:%d %s" % (HOST, sshd.port, key_line))


FORMATS = ("plain-ssh2", "hashed-ssh2", "known_hosts")


@pytest.mark.parametrize("fmt", FORMATS)
def test_right_key_connects(sshd, store, fmt):
    hold(store, sshd, fmt, sshd.pub["ed25519"])
    assert connect(client_for(sshd, store), sshd).get_name() == "ssh-ed25519"


@pytest.mark.parametrize("fmt", FORMATS)
def test_changed_key_refused(sshd, store, fmt):
    hold(store, sshd, fmt, sshd.other_pub["ed25519"])
    with pytest.raises(paramiko.BadHostKeyException) as e:
        connect(client_for(sshd, store), sshd)
    assert e.value.expected_key.get_base64() == sshd.other_pub["ed25519"].split()[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_revoked_key_refused(sshd, store, fmt):
    hold(store, sshd, fmt, sshd.pub["ed25519"])
    store.known_hosts("@revoked * " + sshd.pub["ed25519"])
    with pytest.raises(shkp.RevokedHostKeyException) as e:
        connect(client_for(sshd, store), sshd)
    assert "revoked" in str(e.value)
    assert isinstance(e.value, paramiko.SSHException)


def test_revoked_even_when_paramiko_knows_the_key(sshd, store, tmp_path):
    """paramiko's own known_hosts holds the key: it would not ask a policy."""
    kh = tmp_path / "paramiko_known_hosts"
    kh.write_text("[%s]:%d %s\n" % (HOST, sshd.port, sshd.pub["ed25519"]))
    hold(store, sshd, "known_hosts", sshd.pub["ed25519"])
    store.known_hosts("@revoked * " + sshd.pub["ed25519"])
    with pytest.raises(shkp.RevokedHostKeyException):
        connect(client_for(sshd, store, policy="auto-add", known_hosts=kh), sshd)


def test_known_only_by_ecdsa_connects(sshd, store):
    hold(store, sshd, "known_hosts", sshd.pub["ecdsa"])
    assert connect(client_for(sshd, store), sshd).get_name() == "ecdsa-sha2-nistp256"


def test_accept_new_learns_then_matches(sshd, store):
    key = connect(client_for(sshd, store, policy="accept-new"), sshd)
    with store.context() as ctx:
        assert ctx.verify(HOST, sshd.port, key).verdict is Verdict.MATCH
    # The next connection matches under strict, with the type learned.
    assert connect(client_for(sshd, store), sshd) == key


def test_unknown_refused_under_strict(sshd, store):
    with pytest.raises(paramiko.SSHException, match="not found"):
        connect(client_for(sshd, store), sshd)
    with store.context() as ctx:
        assert ctx.lookup(HOST, sshd.port) == []


@pytest.mark.parametrize("answer", [False, True, Decision.ACCEPT_AND_STORE])
def test_callable_policy_decides(sshd, store, answer):
    asked = []

    def policy(host, port, key, verification):
        asked.append((host, port, key.type, verification.verdict))
        return answer

    client = client_for(sshd, store, policy=policy)
    if answer is False:
        with pytest.raises(paramiko.SSHException):
            connect(client, sshd)
    else:
        connect(client, sshd)
    assert len(asked) == 1
    assert asked[0][:2] == (HOST, sshd.port) and asked[0][3] is Verdict.UNKNOWN
    with store.context() as ctx:
        assert bool(ctx.lookup(HOST, sshd.port)) == (answer is Decision.ACCEPT_AND_STORE)


def test_auto_add_refuses_revoked_and_changed(sshd, store):
    store.known_hosts("@revoked * " + sshd.pub["ed25519"])
    with pytest.raises(shkp.RevokedHostKeyException):
        connect(client_for(sshd, store, policy=shkp.AutoAddPolicy()), sshd)
    with store.context() as ctx:
        assert [k for k in ctx.lookup(HOST, sshd.port) if not k.revoked] == []
    other = store.__class__(store.root.parent / "second")
    hold(other, sshd, "known_hosts", sshd.other_pub["ed25519"])
    with pytest.raises(paramiko.BadHostKeyException):
        connect(client_for(sshd, other, policy=shkp.AutoAddPolicy()), sshd)
    with other.context() as ctx:
        assert [k.type for k in ctx.lookup(HOST, sshd.port)] == ["ssh-ed25519"]
        assert not ctx.verify(HOST, sshd.port, sshd.pub["ed25519"]).ok


def test_auto_add_stores_in_the_user_store(sshd, store):
    connect(client_for(sshd, store, policy=shkp.AutoAddPolicy()), sshd)
    assert any((store.home / ".ssh2/hostkeys").iterdir())


def test_policy_alone_as_missing_host_key_policy(sshd, store):
    """Without attach: paramiko asks the policy about what it does not know."""
    hold(store, sshd, "known_hosts", sshd.pub["ed25519"])
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(shkp.RejectPolicy(store.context()))
    # paramiko asks for ed25519 first here, which the store knows.
    connect(client, sshd)
    empty = store.__class__(store.root.parent / "empty")
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(shkp.RejectPolicy(empty.context()))
    with pytest.raises(paramiko.SSHException):
        connect(client, sshd)
    client = paramiko.SSHClient()
    client.set_missing_host_key_policy(shkp.WarningPolicy(empty.context()))
    connect(client, sshd)


def test_order_key_types():
    offered = ["ssh-ed25519", "ecdsa-sha2-nistp256", "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa"]
    assert shkp.order_key_types(offered, ["ssh-rsa"]) == [
        "rsa-sha2-512", "rsa-sha2-256", "ssh-rsa", "ssh-ed25519", "ecdsa-sha2-nistp256"]
    assert shkp.order_key_types(offered, []) == offered
