#!/usr/bin/env bash
# Kumiki test service: a real OpenSSH sshd (Debian openssh-server) on a loopback port, for the
# data domain's sftp endpoint tests. It has its own configuration, host key, client key and
# password under $KUMIKI_SSHD_DIR (default /var/lib/kumiki-sshd), and never touches
# /etc/ssh or a system sshd.
#
#   sshd.sh packages   Debian packages it needs
#   sshd.sh start      create the user, keys and configuration once; start sshd (idempotent)
#   sshd.sh stop       stop it by its pid file
#   sshd.sh status     say whether it runs
#
# Tests read $KUMIKI_SSHD_DIR/env (shell syntax, KEY=VALUE):
#   KUMIKI_SSHD_HOST, KUMIKI_SSHD_PORT   where it listens (127.0.0.1, default port 2222)
#   KUMIKI_SSHD_USER                     an unprivileged user (kumiki-sftp) with a home folder
#   KUMIKI_SSHD_HOME                     that user's home (writable by the user only)
#   KUMIKI_SSHD_KEY                      the client's private key (ECDSA P-256, PEM, no passphrase)
#   KUMIKI_SSHD_PASSWORD_FILE            a file holding the user's password (password auth)
#   KUMIKI_SSHD_KNOWN_HOSTS              a known_hosts line for [host]:port (strict checking)
# Keys are ECDSA so that a plain JDK verifies them (no EdDSA provider needed).
set -euo pipefail

DIR=${KUMIKI_SSHD_DIR:-/var/lib/kumiki-sshd}
PORT=${KUMIKI_SSHD_PORT:-2222}
USER_NAME=${KUMIKI_SSHD_USER:-kumiki-sftp}
PIDFILE=$DIR/sshd.pid

NAME=sshd.sh
# shellcheck source=lib/daemon.bash
source "$(dirname "$0")/lib/daemon.bash"

setup() {
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  if ! id "$USER_NAME" >/dev/null 2>&1; then
    useradd --system --home-dir "$DIR/home" --create-home --shell /bin/sh "$USER_NAME"
  fi
  mkdir -p "$DIR/home"
  chown "$USER_NAME": "$DIR/home"
  chmod 755 "$DIR/home"
  [ -f "$DIR/host_key" ] || ssh-keygen -q -t ecdsa -b 256 -N '' -f "$DIR/host_key" -C kumiki-test-host
  [ -f "$DIR/client_key" ] || ssh-keygen -q -t ecdsa -b 256 -m PEM -N '' -f "$DIR/client_key" -C kumiki-test-client
  chmod 600 "$DIR/host_key" "$DIR/client_key"
  cp "$DIR/client_key.pub" "$DIR/authorized_keys"
  chmod 644 "$DIR/authorized_keys"
  if [ ! -f "$DIR/password" ]; then
    head -c 18 /dev/urandom | base64 | tr -d '/+=' > "$DIR/password"
  fi
  chmod 600 "$DIR/password"
  echo "$USER_NAME:$(cat "$DIR/password")" | chpasswd
  usermod -U "$USER_NAME" 2>/dev/null || true
  echo "[127.0.0.1]:$PORT $(cut -d' ' -f1,2 "$DIR/host_key.pub")" > "$DIR/known_hosts"
  chmod 644 "$DIR/known_hosts"
  cat > "$DIR/sshd_config" <<CONF
# written by kumiki scripts/services/sshd.sh
Port $PORT
ListenAddress 127.0.0.1
HostKey $DIR/host_key
PidFile $PIDFILE
AuthorizedKeysFile $DIR/authorized_keys
StrictModes no
PubkeyAuthentication yes
PasswordAuthentication yes
KbdInteractiveAuthentication no
UsePAM no
PermitRootLogin no
AllowUsers $USER_NAME
Subsystem sftp internal-sftp
MaxSessions 64
MaxStartups 64:30:128
LogLevel INFO
CONF
  cat > "$DIR/env" <<ENV
KUMIKI_SSHD_HOST=127.0.0.1
KUMIKI_SSHD_PORT=$PORT
KUMIKI_SSHD_USER=$USER_NAME
KUMIKI_SSHD_HOME=$DIR/home
KUMIKI_SSHD_KEY=$DIR/client_key
KUMIKI_SSHD_PASSWORD_FILE=$DIR/password
KUMIKI_SSHD_KNOWN_HOSTS=$DIR/known_hosts
ENV
  chmod 644 "$DIR/env"
}

case "${1:-}" in
  packages)
    echo openssh-server openssh-client
    ;;
  start)
    command -v /usr/sbin/sshd >/dev/null || die "/usr/sbin/sshd missing: apt-get install openssh-server"
    if alive; then say "already running (pid $(cat "$PIDFILE"), port $PORT)"; exit 0; fi
    setup
    mkdir -p /run/sshd
    chmod 755 /run/sshd
    /usr/sbin/sshd -t -f "$DIR/sshd_config" || die "configuration rejected"
    /usr/sbin/sshd -f "$DIR/sshd_config" -E "$DIR/sshd.log"
    wait_up "running on 127.0.0.1:$PORT, environment in $DIR/env" "sshd did not come up; see $DIR/sshd.log"
    ;;
  stop)
    stop_daemon TERM
    ;;
  status)
    if alive; then say "running (pid $(cat "$PIDFILE"), port $PORT)"; else say "not running"; exit 1; fi
    ;;
  *)
    echo "usage: $0 packages|start|stop|status" >&2
    exit 2
    ;;
esac
