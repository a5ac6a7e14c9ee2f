# SPDX-License-Identifier: MIT
"""make bench-python: a paramiko client connecting to a loopback sshd whose
host is one of N hashed known_hosts entries, two ways, side by side in one
run:

  paramiko   SSHClient.load_host_keys(file) + connect (RejectPolicy)
  attach     sshhostkeys.Context() + attach(client) + connect, the same
             file as the user's ~/.ssh/known_hosts ("files" source)

Each measurement runs in a fresh interpreter (imports done before the
clock starts), so a time cap can stop it: paramiko's HostKeys grows
quadratically with the number of hashed lines, so sizes above
BENCH_PY_FULL (default 10000) are cut at BENCH_PY_CAP seconds (default
120) and reported as a lower bound. attach is timed BENCH_PY_RUNS times
(default 3; the first one also builds the library's index of the file),
paramiko once per size (3 times up to 1000 lines). The connection
authenticates, so both columns include a full SSH handshake.

Variables: BENCH_PY_SIZES (default "1000 10000 100000"), BENCH_PY_CAP,
BENCH_PY_FULL, BENCH_PY_RUNS, BENCH_OUT (default bench/out). Needs root
(sshd) and Debian's python3-paramiko. Reports, never fails on slow results.
"""

import base64
import hashlib
import hmac
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "python"))
import sshd_server  # noqa: E402

# What one measurement runs, in a child interpreter: argv[1] is "paramiko"
# or "attach", then the known_hosts file, the home, the root, the port and
# the client key. It prints the seconds spent after its imports.
CHILD = r"""
import sys, time
import paramiko
import sshhostkeys, sshhostkeys.paramiko
how, kh, home, root, port, ckey = sys.argv[1:7]
t0 = time.perf_counter()
client = paramiko.SSHClient()
if how == "paramiko":
    client.load_host_keys(kh)
    client.set_missing_host_key_policy(paramiko.RejectPolicy())
else:
    sshhostkeys.paramiko.attach(client, sshhostkeys.Context(root=root, home=home))
client.connect("127.0.0.1", port=int(port), username="root", key_filename=ckey,
               look_for_keys=False, allow_agent=False, timeout=30)
assert client.get_transport().is_authenticated()
client.close()
print(time.perf_counter() - t0)
"""


def hashed(name, salt):
    digest = hmac.new(salt, name.encode(), hashlib.sha1).digest()
    return "|1|%s|%s" % (base64.b64encode(salt).decode(), base64.b64encode(digest).decode())


def make_known_hosts(path, n, server_line, port, pool):
    """n hashed lines; the server's is in the middle, the others name
    h<i>.example.com with keys from pool."""
    rnd = hashlib.sha256(b"bench").digest()
    with open(path, "w") as f:
        for i in range(n):
            rnd = hashlib.sha256(rnd).digest()
            salt = rnd[:20]
            if i == n // 2:
                f.write("%s %s\n" % (hashed("[127.0.0.1]:%d" % port, salt), server_line))
            else:
                f.write("%s %s\n" % (hashed("h%07d.example.com" % i, salt), pool[i % len(pool)]))


def measure(how, kh, home, root, port, ckey, cap):
    """Seconds, or None when cut at cap."""
    env = dict(os.environ, HOME=str(home))
    try:
        out = subprocess.run([sys.executable, "-c", CHILD, how, str(kh), str(home), str(root),
                              str(port), ckey], env=env, capture_output=True, text=True,
                             timeout=cap)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode != 0:
        raise RuntimeError("%s failed: %s" % (how, out.stderr.strip()[-2000:]))
    return float(out.stdout.split()[-1])


def main():
    why = sshd_server.unusable()
    if why:
        print("bench-python: skipped: " + why)
        return 0
    sizes = [int(x) for x in os.environ.get("BENCH_PY_SIZES", "1000 10000 100000").split()]
    cap = float(os.environ.get("BENCH_PY_CAP", "120"))
    full = int(os.environ.get("BENCH_PY_FULL", "10000"))
    runs = int(os.environ.get("BENCH_PY_RUNS", "3"))
    out = pathlib.Path(os.environ.get("BENCH_OUT", "bench/out")).resolve() / "python"
    out.mkdir(parents=True, exist_ok=True)
    os.umask(0o022)
    rows = []
    with tempfile.TemporaryDirectory(dir=out) as tmp:
        tmp = pathlib.Path(tmp)
        tmp.chmod(0o755)
        pool = []
        for i in range(4):
            sshd_server.keygen(tmp / ("pool%d" % i), "ed25519")
            pool.append((tmp / ("pool%d.pub" % i)).read_text().strip())
        (tmp / "srv").mkdir()
        with sshd_server.running(tmp / "srv") as srv:
            for n in sizes:
                d = tmp / str(n)
                home, root = d / "home", d / "root"
                (home / ".ssh").mkdir(parents=True)
                (root / "etc").mkdir(parents=True)
                for p in (d, home, home / ".ssh", root, root / "etc"):
                    p.chmod(0o755)
                (root / "etc" / "nsswitch.conf").write_text("ssh_hostkeys: files\n")
                kh = home / ".ssh" / "known_hosts"
                make_known_hosts(kh, n, srv.pub["ed25519"], srv.port, pool)
                args = (kh, home, root, srv.port, srv.client_key)
                att = [measure("attach", *args, cap=None) for _ in range(runs)]
                pcap = None if n <= full else cap
                par = [measure("paramiko", *args, cap=pcap) for _ in range(runs if n <= 1000 else 1)]
                rows.append({"lines": n, "attach": att, "paramiko": par, "cap": pcap})
                print(json.dumps(rows[-1]), file=sys.stderr)
    print()
    print("paramiko connecting to a loopback sshd whose host is one of N hashed")
    print("known_hosts lines (seconds; attach: median of %d, first run in brackets)" % runs)
    print()
    print("| lines | paramiko load_host_keys + connect | attach + connect | ratio |")
    print("|------:|----------------------------------:|-----------------:|------:|")
    for r in rows:
        a = statistics.median(r["attach"])
        par = r["paramiko"]
        if any(p is None for p in par):
            ptxt, ratio = "> %.0f (cut)" % r["cap"], "> %.0f" % (r["cap"] / a)
        else:
            pm = statistics.median(par)
            ptxt, ratio = "%.3f" % pm, "%.1f" % (pm / a)
        print("| %d | %s | %.3f [%.3f] | %s |" % (r["lines"], ptxt, a, r["attach"][0], ratio))
    return 0


if __name__ == "__main__":
    sys.exit(main())
