#!/usr/bin/env bash
# Kumiki test service: a real single-node Slurm (22.05, Debian packages) on loopback.
#
#   slurm.sh packages   Debian packages it needs
#   slurm.sh start      write the configuration, start munged, slurmctld, slurmd and slurmrestd, wait
#                       until the node is idle (idempotent: a running cluster is kept)
#   slurm.sh stop       stop the daemons by their pid files (slurmrestd too)
#   slurm.sh status     print sinfo
#
# Runs as root without systemd (see SLURM.md in the workspace notes). The configuration is
# written to /etc/slurm/slurm.conf so that every client (sbatch, squeue, sacct, ...) finds it
# without SLURM_CONF; a file there that this script did not write is kept as
# slurm.conf.kumiki-backup. State, logs and the job completion file live in $KUMIKI_SLURM_DIR
# (default /var/lib/kumiki-slurm); $KUMIKI_SLURM_DIR/env describes the cluster for tests.
#
# The node advertises KUMIKI_SLURM_CPUS CPUs (default 8, with SlurmdParameters=config_overrides)
# whatever the machine has: trivial test jobs then run 8 at a time even on 2 cores (Slurm
# schedules roughly one job per CPU per scheduling pass). Set KUMIKI_SLURM_CPUS=0 to advertise
# what `slurmd -C` reports.
#
# slurmrestd (REST API v0.0.38, JWT auth) listens on 127.0.0.1:$KUMIKI_SLURMRESTD_PORT (default
# 6820) as nobody; KUMIKI_SLURMRESTD=0 leaves it out. `scontrol token` gives tokens.
set -euo pipefail

DIR=${KUMIKI_SLURM_DIR:-/var/lib/kumiki-slurm}
CONF_DIR=/etc/slurm
CONF=$CONF_DIR/slurm.conf
MARKER="# written by kumiki scripts/services/slurm.sh"
CPUS_WANTED=${KUMIKI_SLURM_CPUS:-8}
PARTITION=${KUMIKI_SLURM_PARTITION:-debug}
CTLD_PID=/run/slurmctld.pid
SLURMD_PID=/run/slurmd.pid
MUNGE_PID=/run/munge/munged.pid
REST=${KUMIKI_SLURMRESTD:-1}
REST_PORT=${KUMIKI_SLURMRESTD_PORT:-6820}
REST_PID=/run/kumiki-slurmrestd.pid

say() { printf 'slurm.sh: %s\n' "$*"; }
die() { printf 'slurm.sh: %s\n' "$*" >&2; exit 1; }

alive() { # pidfile
  [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

stop_pid() { # name pidfile
  local name=$1 pf=$2 pid i
  if ! [ -s "$pf" ]; then return 0; fi
  pid=$(cat "$pf")
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for i in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "$name ($pid) did not stop in 10 s, killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    say "stopped $name ($pid)"
  fi
  rm -f "$pf"
}

node_state() {
  timeout 10 sinfo -h -n "$HOST" -o '%t' 2>/dev/null | head -1 | tr -d '~#!%$@^-' || true
}

write_conf() {
  local cpus mem real_cpus real_mem
  real_cpus=$(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*/\1/p' | head -1)
  real_mem=$(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p' | head -1)
  [ -n "$real_cpus" ] && [ -n "$real_mem" ] || die "cannot read CPUs/RealMemory from 'slurmd -C'"
  cpus=$real_cpus
  if [ "$CPUS_WANTED" -gt 0 ] 2>/dev/null; then cpus=$CPUS_WANTED; fi
  # a little below what the node reports, but enough for DefMemPerCPU on every advertised CPU
  mem=$((real_mem * 9 / 10))
  if [ "$mem" -lt $((cpus * 1024)) ]; then mem=$((cpus * 1024)); fi

  mkdir -p "$CONF_DIR"
  if [ -e "$CONF" ] && ! grep -qF "$MARKER" "$CONF"; then
    say "keeping the existing $CONF as $CONF.kumiki-backup"
    cp -p "$CONF" "$CONF.kumiki-backup"
  fi
  cat > "$CONF.tmp" <<EOF
$MARKER
ClusterName=kumiki
SlurmctldHost=$HOST(127.0.0.1)
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=slurm
SlurmctldPort=6817
SlurmdPort=6818
AuthType=auth/munge
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$DIR/jwt.key
CryptoType=crypto/munge
MailProg=/bin/true
StateSaveLocation=$DIR/state
SlurmdSpoolDir=$DIR/spool
SlurmctldPidFile=$CTLD_PID
SlurmdPidFile=$SLURMD_PID
SlurmctldLogFile=$DIR/log/slurmctld.log
SlurmdLogFile=$DIR/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SwitchType=switch/none
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
SchedulerType=sched/backfill
SchedulerParameters=batch_sched_delay=0
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=1024
MinJobAge=600
KillWait=5
InactiveLimit=0
DependencyParameters=kill_invalid_depend
JobCompType=jobcomp/filetxt
JobCompLoc=$DIR/jobcomp.txt
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$cpus Sockets=1 CoresPerSocket=$cpus ThreadsPerCore=1 RealMemory=$mem State=UNKNOWN
PartitionName=$PARTITION Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF.tmp" "$CONF"
  chmod 644 "$CONF"
  ADVERTISED_CPUS=$cpus
}

start_munge() {
  if alive "$MUNGE_PID"; then return 0; fi
  mkdir -p /run/munge /var/log/munge /var/lib/munge /etc/munge
  chown munge:munge /run/munge /var/log/munge /var/lib/munge
  chmod 755 /run/munge
  if ! [ -s /etc/munge/munge.key ]; then
    say "creating /etc/munge/munge.key"
    dd if=/dev/urandom of=/etc/munge/munge.key bs=1 count=1024 status=none
  fi
  chown munge:munge /etc/munge /etc/munge/munge.key
  chmod 700 /etc/munge
  chmod 400 /etc/munge/munge.key
  rm -f /run/munge/munge.socket.2 /run/munge/munge.socket.2.lock "$MUNGE_PID"
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u munge -- /usr/sbin/munged
  else
    /usr/sbin/munged
  fi
  local i
  for i in $(seq 1 50); do [ -S /run/munge/munge.socket.2 ] && return 0; sleep 0.1; done
  die "munged did not come up (see /var/log/munge/munged.log)"
}

start_rest() {
  if alive "$REST_PID"; then return 0; fi
  rm -f "$REST_PID"
  # it refuses to run as root; without slurmdbd only the v0.0.38 plugin loads
  SLURM_JWT=daemon nohup /usr/sbin/slurmrestd -u nobody -g nogroup -a rest_auth/jwt -s openapi/v0.0.38 \
    "127.0.0.1:$REST_PORT" >> "$DIR/log/slurmrestd.log" 2>&1 < /dev/null &
  echo $! > "$REST_PID"
  local i code token
  token=$(scontrol token username=root lifespan=60 | sed -n 's/^SLURM_JWT=//p')
  for i in $(seq 1 100); do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $token" \
      "http://127.0.0.1:$REST_PORT/slurm/v0.0.38/ping" 2>/dev/null || true)
    [ "$code" = 200 ] && return 0
    alive "$REST_PID" || break
    sleep 0.1
  done
  tail -n 20 "$DIR/log/slurmrestd.log" >&2 || true
  die "slurmrestd did not answer on 127.0.0.1:$REST_PORT (last HTTP status ${code:-none})"
}

start() {
  [ "$(id -u)" -eq 0 ] || die "start needs root"
  command -v slurmctld >/dev/null || die "slurmctld not installed (apt-get install $(packages))"
  HOST=$(hostname -s)
  if ! getent hosts "$HOST" >/dev/null; then
    say "adding '127.0.0.1 $HOST' to /etc/hosts"
    echo "127.0.0.1 $HOST" >> /etc/hosts
  fi
  if alive "$CTLD_PID" && alive "$SLURMD_PID" && alive "$MUNGE_PID"; then
    case "$(node_state)" in
      idle|mix|alloc)
        if [ "$REST" = 1 ] && command -v slurmrestd >/dev/null; then start_rest; fi
        say "already running: $(sinfo -h -o '%P %t %c CPUs' | head -1)"; return 0 ;;
    esac
  fi
  mkdir -p "$DIR/state" "$DIR/spool" "$DIR/log"
  touch "$DIR/jobcomp.txt"
  if ! [ -s "$DIR/jwt.key" ]; then
    dd if=/dev/urandom of="$DIR/jwt.key" bs=32 count=1 status=none
  fi
  chown slurm:slurm "$DIR/jwt.key"
  chmod 600 "$DIR/jwt.key"
  chown slurm:slurm "$DIR/state" "$DIR/log" "$DIR/jobcomp.txt"
  chmod 755 "$DIR" "$DIR/log"
  if ! alive "$CTLD_PID"; then write_conf; else ADVERTISED_CPUS=$(sed -n 's/^NodeName=.* CPUs=\([0-9]*\).*/\1/p' "$CONF"); fi

  start_munge
  if ! alive "$CTLD_PID"; then
    rm -f "$CTLD_PID"
    /usr/sbin/slurmctld || die "slurmctld failed to start (see $DIR/log/slurmctld.log)"
  fi
  if ! alive "$SLURMD_PID"; then
    rm -f "$SLURMD_PID"
    /usr/sbin/slurmd || die "slurmd failed to start (see $DIR/log/slurmd.log)"
  fi

  local i=0 st="" deadline=$((SECONDS + 60))
  while [ $SECONDS -lt $deadline ]; do
    st=$(node_state)
    case "$st" in
      idle|mix|alloc) break ;;
      drain|drng|down|drain\*|down\*)
        # left over from an earlier run: resume it once slurmd has registered
        if [ $((i % 20)) -eq 19 ]; then scontrol update nodename="$HOST" state=resume >/dev/null 2>&1 || true; fi ;;
    esac
    i=$((i + 1))
    sleep 0.1
  done
  case "$st" in
    idle|mix|alloc) ;;
    *) tail -n 20 "$DIR/log/slurmctld.log" "$DIR/log/slurmd.log" >&2 || true
       die "node $HOST is '${st:-unknown}', not idle, after 60 s" ;;
  esac

  local rest_url=""
  if [ "$REST" = 1 ] && command -v slurmrestd >/dev/null; then
    start_rest
    rest_url=http://127.0.0.1:$REST_PORT
  fi

  cat > "$DIR/env" <<EOF
# written by scripts/services/slurm.sh start
SLURM_CONF=$CONF
KUMIKI_SLURM_NODE=$HOST
KUMIKI_SLURM_PARTITION=$PARTITION
KUMIKI_SLURM_CPUS=${ADVERTISED_CPUS:-}
KUMIKI_SLURM_JOBCOMP=$DIR/jobcomp.txt
KUMIKI_SLURMRESTD_URL=$rest_url
EOF
  say "up: node $HOST $st, partition $PARTITION, ${ADVERTISED_CPUS:-?} CPUs advertised; logs in $DIR/log"
}

stop() {
  stop_pid slurmrestd "$REST_PID"
  stop_pid slurmd "$SLURMD_PID"
  stop_pid slurmctld "$CTLD_PID"
  stop_pid munged "$MUNGE_PID"
  rm -f "$DIR/env"
}

packages() { echo "slurm-wlm munge slurmrestd slurm-wlm-jwt-plugin curl libpmix-dev openmpi-bin"; }

case "${1:-}" in
  packages) packages ;;
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 packages|start|stop|status" >&2; exit 2 ;;
esac
