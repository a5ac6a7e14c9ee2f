# SPDX-License-Identifier: MIT
"""Fixtures for the Python binding's tests (run by tests/python.sh): a
throw-away sshd on 127.0.0.1, and a store (a root prefix and a home) per
test."""

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

SSHD = "/usr/sbin/sshd"
TYPES = ("rsa", "ecdsa", "ed25519")


# tests/python.sh preloads the ASan runtime into the interpreter when the
# library is instrumented; the programs the tests run must not get it.
os.environ.pop("LD_PRELOAD", None)


def _keygen(path, t):
    subprocess.run(["ssh-keygen", "-q", "-t", t, "-N", "", "-C", "", "-f", str(path)],
                   check=True)
    return path


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running sshd: its port, and the public key line of each host key
    type (.pub[type]); other_pub[type] is a key it does not have."""

    def __init__(self, port, pub, other_pub, client_key):
        self.port = port
        self.pub = pub
        self.other_pub = other_pub
        self.client_key = client_key


@pytest.fixture(scope="session")
def sshd(tmp_path_factory):
    if not os.access(SSHD, os.X_OK):
        pytest.skip("no %s (Debian openssh-server)" % SSHD)
    if os.geteuid() != 0:
        pytest.skip("sshd needs root for privilege separation")
    d = tmp_path_factory.mktemp("sshd")
    pub, other = {}, {}
    for t in TYPES:
        _keygen(d / ("host_" + t), t)
        pub[t] = (d / ("host_%s.pub" % t)).read_text().strip()
        _keygen(d / ("other_" + t), t)
        other[t] = (d / ("other_%s.pub" % t)).read_text().strip()
    _keygen(d / "client", "ed25519")
    shutil.copy(d / "client.pub", d / "authorized_keys")
    os.makedirs("/run/sshd", exist_ok=True)
    port = _free_port()
    (d / "sshd_config").write_text(
        "Port %d\nListenAddress 127.0.0.1\n" % port
        + "".join("HostKey %s/host_%s\n" % (d, t) for t in TYPES)
        + "PidFile %s/sshd.pid\nUsePAM no\nStrictModes no\n" % d
        + "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        + "PermitRootLogin prohibit-password\n"
        + "AuthorizedKeysFile %s/authorized_keys\nMaxStartups 50\n" % d)
    log = open(d / "sshd.log", "w")
    proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")], stderr=log)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("sshd did not start: " + (d / "sshd.log").read_text())
                time.sleep(0.1)
        yield Server(port, pub, other, str(d / "client"))
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


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
