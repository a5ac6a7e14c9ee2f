# SPDX-License-Identifier: MIT
# Start a throw-away sshd on 127.0.0.1 and a free port with rsa, ecdsa and
# ed25519 host keys (as tests/e2e-sshd.sh does). Source after lib.sh.
# Sets SRV (its directory) and PORT; stops it on exit. A test may define
# sshd_setup, run before the start to add to $SRV (keys, sshd_config).
SSHD=/usr/sbin/sshd
[ -x "$SSHD" ] || skip_all "no $SSHD (Debian openssh-server)"
[ "$(id -u)" -eq 0 ] || skip_all "sshd needs root for privilege separation"

SRV=$TMPROOT/sshd
mkdir -p "$SRV" /run/sshd
for t in rsa ecdsa ed25519; do
	ssh-keygen -q -t $t -N '' -C '' -f "$SRV/host_$t"
done
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
PORT=$(free_port)
cat > "$SRV/sshd_config" <<CFG
Port $PORT
ListenAddress 127.0.0.1
HostKey $SRV/host_rsa
HostKey $SRV/host_ecdsa
HostKey $SRV/host_ed25519
PidFile $SRV/sshd.pid
UsePAM no
StrictModes no
PasswordAuthentication no
KbdInteractiveAuthentication no
AuthorizedKeysFile none
MaxStartups 50
CFG
if [ "$(type -t sshd_setup)" = function ]; then sshd_setup; fi
"$SSHD" -D -e -f "$SRV/sshd_config" 2>"$SRV/sshd.log" &
SSHD_PID=$!
stop_sshd() { kill "$SSHD_PID" 2>/dev/null; wait "$SSHD_PID" 2>/dev/null; }
t_on_exit stop_sshd
for _ in $(seq 50); do
	(exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null && break
	sleep 0.1
done
