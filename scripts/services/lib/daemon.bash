# Shared by the pid-file daemons in scripts/services (sourced, not run: it lives outside the
# *.sh glob that scripts/test-all.sh starts). The caller sets NAME, PIDFILE and PORT.

say() { printf '%s: %s\n' "$NAME" "$*"; }
die() { printf '%s: %s\n' "$NAME" "$*" >&2; exit 1; }
alive() { [ -s "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; }

# wait_up MESSAGE FAILURE: up to 5 s for the daemon to live and accept on 127.0.0.1:$PORT;
# says MESSAGE with the daemon's pid and exits 0 then, or dies with FAILURE.
wait_up() {
  for _ in $(seq 1 50); do
    if alive && (exec 3<>/dev/tcp/127.0.0.1/"$PORT") 2>/dev/null; then
      say "$1 (pid $(cat "$PIDFILE"))"
      exit 0
    fi
    sleep 0.1
  done
  die "$2"
}

# stop_daemon SIGNAL: sends SIGNAL, waits up to 5 s, then SIGTERM if it still lives.
stop_daemon() {
  if alive; then
    local pid
    pid=$(cat "$PIDFILE")
    kill "-$1" "$pid"
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -TERM "$pid"
    say "stopped ($pid)"
  fi
  rm -f "$PIDFILE"
}
