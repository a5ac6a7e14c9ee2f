# SPDX-License-Identifier: MIT
"""A throw-away sshd on 127.0.0.1 and a free port, no root login but for
the client key made here, killed by pid at the end: for the pytest suite
(conftest.py) and the paramiko benchmark (bench/paramiko.py). As
tests/sshd-lib.sh does for the bash suites: host keys made per run, sshd
-D -e -f with its own configuration."""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time

SSHD = "/usr/sbin/sshd"
TYPES = ("rsa", "ecdsa", "ed25519")


def unusable():
    """Why no sshd can be started here, or None."""
    if not os.access(SSHD, os.X_OK):
        return "no %s (Debian openssh-server)" % SSHD
    if os.geteuid() != 0:
        return "sshd needs root for privilege separation"
    return None


def keygen(path, t):
    subprocess.run(["ssh-keygen", "-q", "-t", t, "-N", "", "-C", "", "-f", str(path)],
                   check=True)
    return path


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running sshd: its port, the public key line of each host key type
    (pub[type]), a key of each type it does not have (other_pub[type]) and
    the private key a client authenticates with as root (client_key)."""

    def __init__(self, port, pub, other_pub, client_key):
        self.port = port
        self.pub = pub
        self.other_pub = other_pub
        self.client_key = client_key


@contextlib.contextmanager
def running(d, start_timeout=10):
    """Start sshd with its files in directory d; yield a Server."""
    pub, other = {}, {}
    for t in TYPES:
        keygen(d / ("host_" + t), t)
        pub[t] = (d / ("host_%s.pub" % t)).read_text().strip()
        keygen(d / ("other_" + t), t)
        other[t] = (d / ("other_%s.pub" % t)).read_text().strip()
    keygen(d / "client", "ed25519")
    shutil.copy(d / "client.pub", d / "authorized_keys")
    os.makedirs("/run/sshd", exist_ok=True)
    port = free_port()
    (d / "sshd_config").write_text(
        "Port %d\nListenAddress 127.0.0.1\n" % port
        + "".join("HostKey %s/host_%s\n" % (d, t) for t in TYPES)
        + "PidFile %s/sshd.pid\nUsePAM no\nStrictModes no\n" % d
        + "PasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        + "PermitRootLogin prohibit-password\n"
        + "AuthorizedKeysFile %s/authorized_keys\nMaxStartups 50\n" % d)
    with open(d / "sshd.log", "w") as log:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(d / "sshd_config")], stderr=log)
        try:
            deadline = time.monotonic() + start_timeout
            while True:
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        raise RuntimeError("sshd did not start: " + (d / "sshd.log").read_text())
                    time.sleep(0.1)
            yield Server(port, pub, other, str(d / "client"))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
