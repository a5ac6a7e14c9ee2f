# SPDX-License-Identifier: MIT
"""Fixtures for the Python binding's tests (run by tests/python.sh): a
throw-away sshd on 127.0.0.1, and a store (a root prefix and a home) per
test."""

import os
import subprocess

import pytest

import sshd_server

# tests/python.sh preloads the ASan runtime into the interpreter when the
# library is instrumented; the programs the tests run must not get it.
os.environ.pop("LD_PRELOAD", None)


@pytest.fixture(scope="session")
def sshd(tmp_path_factory):
    why = sshd_server.unusable()
    if why:
        pytest.skip(why)
    with sshd_server.running(tmp_path_factory.mktemp("sshd")) as server:
        yield server


class Store:
    """A root prefix (nsswitch.conf: files ssh2) and a home, empty."""

    def __init__(self, base):
        self.root = base / "root"
        self.home = base / "home"
        for d in (self.root / "etc" / "ssh", self.home / ".ssh"):
            d.mkdir(parents=True)
        for d in (base, self.root, self.root / "etc", self.home):
            d.chmod(0o755)
        self.write("etc/nsswitch.conf", "ssh_hostkeys: files ssh2\n")

    def write(self, rel, text, under=None):
        p = (under or self.root) / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        with open(p, "a") as f:
            f.write(text)
        return p

    def known_hosts(self, line):
        """A line of the system known_hosts file."""
        return self.write("etc/ssh/ssh_known_hosts", line + "\n")

    def user_known_hosts(self, line):
        return self.write(".ssh/known_hosts", line + "\n", under=self.home)

    def ssh2_plain(self, host, port, rfc4716):
        """A plain Tectia file in the user store, key_<port>_<host>.pub."""
        return self.write(".ssh2/hostkeys/key_%d_%s.pub" % (port, host), rfc4716,
                          under=self.home)

    def cli(self, *args):
        """The build tree's CLI on this store."""
        env = dict(os.environ, HOME=str(self.home))
        return subprocess.run([os.environ["SHK_CLI"], "--root", str(self.root), *args],
                              env=env, capture_output=True, text=True)

    def context(self):
        import sshhostkeys

        return sshhostkeys.Context(root=self.root, home=self.home)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path)
