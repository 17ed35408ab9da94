#!/usr/bin/env bash
# Benchmark: time from `java -jar` to the Gogo prompt and idle resident memory of a
# distribution, next to the JVM's own floor (`java -version`) measured in the same run.
#
#   scripts/bench-startup.sh [distribution-jar] [runs] [extra JVM options...]
#
# Build first (./mvnw -DskipTests install). Prints one line per run and the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=$(realpath "${1:-distributions/workstation/target/workstation.jar}")
RUNS=${2:-7}
shift $(( $# > 2 ? 2 : $# )) || true
JOPTS=("$@")
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -DskipTests install)" >&2; exit 1; }
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT

now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

floor=(); prompt=(); rss=()
for i in $(seq 1 "$RUNS"); do
  t0=$(now_ms); java "${JOPTS[@]}" -version >/dev/null 2>&1; floor+=($(( $(now_ms) - t0 )))

  rm -rf "$WORK/run" && mkdir -p "$WORK/run" && cd "$WORK/run"
  t0=$(now_ms)
  coproc KUMIKI { exec java "${JOPTS[@]}" -jar "$JAR" 2>/dev/null; }
  pid=$KUMIKI_PID
  # read stdout word by word until the prompt "g!" shows up
  while IFS= read -r -d ' ' -u "${KUMIKI[0]}" word; do
    [[ "$word" == *"g!"* ]] && break
  done
  t=$(( $(now_ms) - t0 ))
  sleep 5 # idle
  r=$(awk '/VmRSS/{print int($2/1024)}' "/proc/$pid/status")
  exec {KUMIKI[1]}>&- # end of input: the shell stops the framework
  wait "$pid" 2>/dev/null || true
  cd - >/dev/null
  prompt+=("$t"); rss+=("$r")
  echo "run $i: jvm floor ${floor[-1]} ms, java -jar to prompt $t ms, idle RSS $r MiB"
done
fm=$(printf '%s\n' "${floor[@]}" | median)
pm=$(printf '%s\n' "${prompt[@]}" | median)
rm_=$(printf '%s\n' "${rss[@]}" | median)
echo "jar: $JAR ($(( $(stat -c %s "$JAR") / 1024 )) KiB)  JVM options: ${JOPTS[*]:-(none)}"
echo "median: jvm floor ${fm} ms | to prompt ${pm} ms (x$(awk -v a="$pm" -v b="$fm" 'BEGIN{printf "%.1f", a/b}') the floor) | idle RSS ${rm_} MiB"
