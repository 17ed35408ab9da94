#!/usr/bin/env bash
# SSH one-command round trip: `ssh -p PORT 127.0.0.1 CMD` against the Kumiki SSH console of the
# workstation jar (a trivial Gogo command, `echo ok`, and `kumiki:status`), beside OpenSSH's own
# sshd running `true` on loopback (a private sshd on a free port with its own host key and
# authorized_keys, started by this script and stopped at exit; it never touches /etc/ssh).
# Same client, same ECDSA key, same options; each round trip is a whole new ssh process
# (connect, key exchange, authentication, command, exit). Prints median and p90 per case and the
# ratio Kumiki / OpenSSH (target: within 1.5x).
#
#   benchmarks/operate/ssh.sh [N (50)] [workstation jar]
#
# Build first (./mvnw -B -DskipTests install). Needs openssh-client and openssh-server.
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-50}
JAR=$(realpath "${2:-distributions/workstation/target/workstation.jar}")
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -DskipTests install)" >&2; exit 1; }
[ -x /usr/sbin/sshd ] || { echo "/usr/sbin/sshd missing: apt-get install openssh-server" >&2; exit 1; }
WORK=$(mktemp -d)
KPID=""; SPID=""
cleanup() {
  set +e
  [ -n "$KPID" ] && kill "$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
  [ -n "$SPID" ] && kill "$SPID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
now_ns() { date +%s%N; }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); i=int(NR*0.9+0.999); if (i>NR) i=NR; printf "%.1f %.1f\n", m, a[i]}'; }

ssh-keygen -q -t ecdsa -b 256 -N '' -C bench -f "$WORK/client_key"
SSH=(ssh -F /dev/null -i "$WORK/client_key" -o IdentitiesOnly=yes -o IdentityAgent=none -o BatchMode=yes
     -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR)

# --- OpenSSH: a private sshd, keys only, on a free loopback port. Run as this user; as root, it
# logs in a throwaway system user whose shell is /bin/sh, so that no shell start-up file
# (root's .bashrc here runs `pyenv init`, 0.5 s) is counted against OpenSSH.
SPORT=$(free_port)
SUSER=$(id -un)
if [ "$(id -u)" -eq 0 ]; then
  SUSER=kumiki-bench
  id "$SUSER" >/dev/null 2>&1 || useradd --system --no-create-home --home-dir /nonexistent --shell /bin/sh "$SUSER"
  usermod -p '*' "$SUSER" # no password, but not "locked" ('!'), which OpenSSH refuses even for keys
fi
mkdir -p "$WORK/sshd"
ssh-keygen -q -t ecdsa -b 256 -N '' -f "$WORK/sshd/host_key"
cp "$WORK/client_key.pub" "$WORK/sshd/authorized_keys"
chmod 755 "$WORK" "$WORK/sshd"; chmod 644 "$WORK/sshd/authorized_keys" # read as the login user
cat > "$WORK/sshd/sshd_config" <<CONF
Port $SPORT
ListenAddress 127.0.0.1
HostKey $WORK/sshd/host_key
PidFile $WORK/sshd/sshd.pid
AuthorizedKeysFile $WORK/sshd/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin prohibit-password
AllowUsers $SUSER
MaxStartups 64:30:128
LogLevel ERROR
CONF
[ "$(id -u)" -ne 0 ] || { mkdir -p /run/sshd; chmod 755 /run/sshd; }
/usr/sbin/sshd -D -f "$WORK/sshd/sshd_config" -E "$WORK/sshd/log" </dev/null >/dev/null 2>&1 &
SPID=$!

# --- Kumiki: the workstation, headless, with the key as an operator and the console on a free port
KPORT=$(free_port)
mkdir -p "$WORK/kumiki/state/access" "$WORK/kumiki/deploy"
echo "role=operator $(cat "$WORK/client_key.pub")" > "$WORK/kumiki/state/access/authorized_keys"
chmod 600 "$WORK/kumiki/state/access/authorized_keys"
echo "port=$KPORT" > "$WORK/kumiki/deploy/org.kumiki.platform.ssh.cfg"
(cd "$WORK/kumiki" && exec java -Dgosh.args=--nointeractive -jar "$JAR" </dev/null >"$WORK/kumiki.out" 2>&1) &
KPID=$!

up() { for _ in $(seq 1 300); do "${SSH[@]}" -p "$1" "${3:-kumiki}@127.0.0.1" "$2" >/dev/null 2>&1 && return 0; sleep 0.3; done; return 1; }
up "$SPORT" true "$SUSER" || { echo "OpenSSH sshd did not answer; see $WORK/sshd/log" >&2; cat "$WORK/sshd/log" >&2; exit 1; }
up "$KPORT" 'echo ok' || { echo "the Kumiki SSH console did not answer:" >&2; tail -20 "$WORK/kumiki.out" >&2; exit 1; }

measure() { # port command user -> one ms figure per line
  local i t0
  for i in $(seq 1 5); do "${SSH[@]}" -p "$1" "$3@127.0.0.1" "$2" >/dev/null; done # warm-up
  for i in $(seq 1 "$N"); do
    t0=$(now_ns)
    "${SSH[@]}" -p "$1" "$3@127.0.0.1" "$2" >/dev/null || { echo "failed: $2" >&2; exit 1; }
    echo $(( ($(now_ns) - t0) / 100000 )) | awk '{printf "%.1f\n", $1/10}'
  done
}

uptime
echo "N=$N round trips each (new ssh process each time), ms"
read -r om op < <(measure "$SPORT" true "$SUSER" | stats)
read -r km kp < <(measure "$KPORT" 'echo ok' kumiki | stats)
read -r sm sp < <(measure "$KPORT" 'kumiki:status' kumiki | stats)
printf "%-34s median %7.1f  p90 %7.1f\n" "OpenSSH sshd, 'true'" "$om" "$op"
printf "%-34s median %7.1f  p90 %7.1f\n" "Kumiki SSH console, 'echo ok'" "$km" "$kp"
printf "%-34s median %7.1f  p90 %7.1f\n" "Kumiki SSH console, 'kumiki:status'" "$sm" "$sp"
awk -v k="$km" -v o="$om" -v s="$sm" 'BEGIN {printf "ratio Kumiki/OpenSSH (median): echo %.2fx, kumiki:status %.2fx (target: within 1.5x)\n", k/o, s/o}'
