#!/usr/bin/env bash
# Cost of a Prometheus scrape of /metrics (org.kumiki.platform.metrics) with many tasks recorded:
# the workstation jar is started with a Gogo script that submits TASKS tasks (one `sleep` that
# holds the others, TASKS-1 tasks waiting on it with afterok: recorded, BLOCKED, no processes
# spawned), then /metrics is scraped over loopback HTTP with curl. Each scrape's time is curl's
# own time_total (connect, request, the whole body), not curl's start-up. Prints median and p90
# (target: under 50 ms with 10,000 tasks) and the size of the text.
#
#   benchmarks/operate/metrics.sh [TASKS (10000)] [N scrapes (50)] [workstation jar]
#
# Build first (./mvnw -B -DskipTests install). Needs curl.
set -euo pipefail
cd "$(dirname "$0")/../.."
TASKS=${1:-10000}
N=${2:-50}
JAR=$(realpath "${3:-distributions/workstation/target/workstation.jar}")
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -DskipTests install)" >&2; exit 1; }
command -v curl >/dev/null || { echo "curl is missing (apt-get install curl)" >&2; exit 1; }
[ "$TASKS" -ge 2 ] 2>/dev/null || { echo "TASKS must be a number >= 2, not '$TASKS'" >&2; exit 2; }
[ "$N" -ge 1 ] 2>/dev/null || { echo "N must be a number >= 1, not '$N'" >&2; exit 2; }
WORK=$(mktemp -d)
KPID=""
cleanup() {
  # the container and the task it runs (its own process group, started below)
  [ -n "$KPID" ] && kill -- "-$KPID" 2>/dev/null && wait "$KPID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
stats() { sort -n | awk '{a[NR]=$1} END {m=(NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2); i=int(NR*0.9+0.999); if (i>NR) i=NR; printf "%.1f %.1f\n", m, a[i]}'; }
tasks_recorded() { # sum of kumiki_scheduler_tasks over states and backends
  curl -s --max-time 30 "$URL" | awk '/^kumiki_scheduler_tasks\{/ {s+=$2} END {printf "%d\n", s}'
}

PORT=$(free_port)
URL="http://127.0.0.1:$PORT/metrics"
{
  echo "sched:submit -n hold -- sleep 3600"
  for i in $(seq 2 "$TASKS"); do echo "sched:submit -n t$i -d afterok:task-1 -- true"; done
  echo "sched:wait task-1" # keeps the container up while this script scrapes
} > "$WORK/load.gogo"

mkdir -p "$WORK/run" && cd "$WORK/run"
setsid java -Dgosh.args=--nointeractive -Dkumiki.script="$WORK/load.gogo" -Dorg.osgi.service.http.port="$PORT" \
  -jar "$JAR" >"$WORK/out.log" 2>&1 &
KPID=$!
cd - >/dev/null
t0=$(date +%s)
n=0
while :; do
  kill -0 "$KPID" 2>/dev/null || { echo "the container stopped:"; tail -5 "$WORK/out.log"; exit 1; }
  n=$(tasks_recorded 2>/dev/null) || n=0
  [ "$n" -ge "$TASKS" ] && break
  [ $(( $(date +%s) - t0 )) -gt 900 ] && { echo "only $n of $TASKS tasks recorded after 900 s" >&2; exit 1; }
  sleep 2
done
echo "tasks recorded: $n (submitted through sched:submit in $(( $(date +%s) - t0 )) s)"

for i in $(seq 1 10); do curl -s -o /dev/null "$URL"; done # warm-up
times=()
for i in $(seq 1 "$N"); do
  times+=("$(curl -s -o /dev/null -w '%{time_total}' "$URL" | awk '{printf "%.2f", $1*1000}')")
done
size=$(curl -s "$URL" | wc -c)
lines=$(curl -s "$URL" | grep -vc '^#')
read -r med p90 < <(printf '%s\n' "${times[@]}" | stats)
echo "uptime: $(uptime)"
printf '/metrics with %d tasks: median %s ms, p90 %s ms over %d scrapes (%d bytes, %d samples; target < 50 ms)\n' \
  "$n" "$med" "$p90" "$N" "$size" "$lines"
