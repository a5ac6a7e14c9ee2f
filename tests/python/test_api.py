# SPDX-License-Identifier: MIT
"""The sshhostkeys package without a server: keys, lookups, verdicts,
policies, the store, errors and logging."""

import logging
import os
import subprocess

import pytest

import sshhostkeys
from sshhostkeys import Decision, Marker, Verdict

ED = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDuwhhB6NX/DoXQZKB2jvvqIAjfctgMk/DsQJ2HcmSSc"
ED2 = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEZ5Js+CfdAYLtscW38wIIWHU+6vNkBOx6yzAvd49LZj"
EC = ("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBAJYuIadZlT"
      "hS5DePgcTb8E/QtYXmsB9A1g2Xc8K2INVQIzK2y2oZCXZce3JfBKAm/wlD+6nrLnWoc7lstSnTTE=")


def test_version_is_the_package_version():
    v = sshhostkeys.library_version()
    assert len(tuple(int(x) for x in v.split("."))) == 3


def test_key_from_text_and_blob():
    k = sshhostkeys.Key.parse(ED + " a comment")
    assert k.type == "ssh-ed25519" and k.comment == "a comment"
    assert k.bits == 256
    b = sshhostkeys.Key.from_blob(k.blob)
    assert b == k and b.comment is None
    out = subprocess.run(["ssh-keygen", "-l", "-f", "/dev/stdin"], input=ED + "\n",
                         capture_output=True, text=True, check=True).stdout
    assert k.fingerprint() in out
    with pytest.raises(sshhostkeys.Error) as e:
        sshhostkeys.Key.from_blob(k.blob[:-1])
    assert e.value.status == -3
    with pytest.raises(sshhostkeys.Error):
        sshhostkeys.Key.parse("ssh-ed25519 AAAA")


def test_lookup_verify_in_order(store):
    store.known_hosts("alpha.example " + ED)
    store.known_hosts("@revoked * " + ED2)
    with store.context() as ctx:
        keys = ctx.lookup("alpha.example")
        assert [k.marker for k in keys] == [Marker.NONE, Marker.REVOKED]
        assert keys[0].source == "files" and keys[0].line == 1
        assert keys[0].origin == str(store.root / "etc/ssh/ssh_known_hosts")
        assert ctx.verify("alpha.example", 22, ED).verdict is Verdict.MATCH
        v = ctx.verify("alpha.example", 22, ED2)
        assert v.verdict is Verdict.REVOKED and v.evidence.line == 2
        assert ctx.verify("alpha.example", 22, EC).verdict is Verdict.OTHER
        assert ctx.verify("beta.example", 22, ED).verdict is Verdict.UNKNOWN
        assert ctx.lookup("[alpha.example]:2222") == [keys[1]]
        assert [s.name for s in ctx.sources()] == ["files", "ssh2"]


def test_add_remove_and_named_home(store, tmp_path):
    other = tmp_path / "other"
    other.mkdir(mode=0o755)
    with sshhostkeys.Context(root=store.root, home=other) as ctx:
        assert ctx.add("new.example", [ED, EC], port=2200, format="plain") == 2
        assert ctx.add("new.example", ED, port=2200, format="plain") == 0
        assert (other / ".ssh2/hostkeys/key_2200_new.example.pub").exists()
        assert {k.type for k in ctx.lookup("new.example", 2200)} == {
            "ssh-ed25519", "ecdsa-sha2-nistp256"}
        # The store of the context's own home is another one.
        with store.context() as mine:
            assert mine.lookup("new.example", 2200) == []
        assert ctx.remove("new.example", 2200) >= 1
        assert ctx.lookup("new.example", 2200) == []
        assert ctx.remove("new.example", 2200) == 0


def test_check_policies(store):
    with store.context() as ctx:
        r = ctx.check("h.example", 22, ED, policy="strict")
        assert r.decision is Decision.REFUSE and r.verification.verdict is Verdict.UNKNOWN
        assert ctx.check("h.example", 22, ED, policy="warn").decision is Decision.ACCEPT
        assert ctx.lookup("h.example") == []
        r = ctx.check("h.example", 22, ED, policy="accept-new")
        assert r.stored
        assert ctx.check("h.example", 22, ED, policy="strict").decision is Decision.ACCEPT
        assert not ctx.check("h.example", 22, ED2, policy="accept-new").accepted


def test_check_with_a_callable(store):
    seen = []

    def decide(host, port, key, v):
        seen.append((host, port, key.type, v.verdict))
        return Decision.ACCEPT_AND_STORE

    with store.context() as ctx:
        assert ctx.check("h.example", 2222, ED, policy=decide).stored
        assert seen == [("h.example", 2222, "ssh-ed25519", Verdict.UNKNOWN)]
        assert ctx.verify("h.example", 2222, ED).ok

        def boom(*a):
            raise KeyError("from the policy")

        with pytest.raises(KeyError):
            ctx.check("i.example", 22, ED, policy=boom)
        assert ctx.lookup("i.example") == []


def test_errors_carry_file_line_and_go_to_logging(store, caplog):
    (store.root / "etc/nsswitch.conf").write_text("# x\nssh_hostkeys: files [BOGUS=return]\n")
    caplog.set_level(logging.DEBUG, logger="sshhostkeys")
    with store.context() as ctx:
        nss = str(store.root / "etc/nsswitch.conf")
        assert any(r.getMessage().startswith(nss + ":2: ") for r in caplog.records)
        with pytest.raises(sshhostkeys.Error) as e:
            ctx.lookup("bad host")
        assert "white space" in str(e.value) and e.value.status == -2
    with pytest.raises(sshhostkeys.Error) as e:
        sshhostkeys.Context(root=store.root, home=store.home, uid=os.getuid()).lookup("a/b")
    assert str(e.value).startswith('host "a/b"')
    with pytest.raises(sshhostkeys.NotFoundError):
        sshhostkeys.Key.load_file(str(store.root / "nothing"))


def test_export_names_every_entry(store):
    store.known_hosts("alpha.example,10.0.0.1 " + ED)
    store.known_hosts("@revoked * " + ED2)
    with store.context() as ctx:
        lines = [e.line for e in ctx.export()]
    assert lines == ["alpha.example,10.0.0.1 " + ED, "@revoked * " + ED2]


def test_export_gives_hashed_ssh2_keys_unnamed(store):
    with store.context() as ctx:
        assert ctx.add("hidden.example", ED) == 1  # hashed, the default
        entries = ctx.export()
    assert [(e.names, e.key.type) for e in entries] == [(None, ED.split()[0])]
    assert "/.ssh2/hostkeys/keys_" in entries[0].key.where
    with pytest.raises(ValueError):
        entries[0].line


def test_closed_context_refuses():
    ctx = sshhostkeys.Context(root="/nonexistent-root")
    ctx.close()
    with pytest.raises(ValueError):
        ctx.lookup("h")
