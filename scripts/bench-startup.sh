#!/usr/bin/env bash
# Benchmark: time from `java -jar` to the Gogo prompt and idle resident memory of a
# distribution, next to the JVM's own floor (`java -version`) measured in the same run.
#
#   scripts/bench-startup.sh [distribution-jar] [runs] [extra JVM options...]
#
# Build first (./mvnw -DskipTests install). Prints one line per run and the medians. The
# framework cache is kept between runs (primed by one unmeasured start); KEEP=0: none, as a
# first start.
#
#   scripts/bench-startup.sh --script OLD.jar NEW.jar [pairs] [extra JVM options...]
#
# Start, run the one-line script `kumiki:status` and stop, in interleaved pairs (old, new, old,
# ...; 7 by default; SCRIPT='...' runs another one-line script, e.g. SCRIPT=kumiki:hardware, which
# needs none of the servers: kumiki:status shows them, so it waits for them), each jar in its own working directory (so a kept framework cache is
# warm after the first, unmeasured, start: pass KEEP=0 to start each run with no cache).
# Prints wall time, CPU user+sys (the figure to compare on a busy machine) and classes loaded
# per run, then the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "${1:-}" = "--script" ]; then
  shift
  [ $# -ge 2 ] || { echo "usage: $0 --script OLD.jar NEW.jar [pairs] [JVM options...]" >&2; exit 2; }
  JARS=("$(realpath "$1")" "$(realpath "$2")"); shift 2
  PAIRS=${1:-7}; shift $(( $# > 0 ? 1 : 0 )) || true
  [[ "$PAIRS" =~ ^[1-9][0-9]*$ ]] || { echo "pairs must be a positive number, not '$PAIRS'" >&2; exit 2; }
  JOPTS=("$@")
  for j in "${JARS[@]}"; do [ -f "$j" ] || { echo "no $j" >&2; exit 1; }; done
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
  printf '%s\n' "${SCRIPT:-kumiki:status}" > "$WORK/one.gogo"
  med() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
  one() { # jar dir -> "wall cpu classes"
    [ "${KEEP:-1}" = 1 ] || rm -rf "$2/felix-cache"
    mkdir -p "$2"
    ( cd "$2" && /usr/bin/time -f '%e %U %S' -o time.txt java "${JOPTS[@]}" -Xlog:class+load:file=classes.txt \
        -Dkumiki.script="$WORK/one.gogo" -Dgosh.args=--nointeractive -jar "$1" >out.txt 2>err.txt ) \
      || { echo "run failed in $2: $(tail -3 "$2/err.txt")" >&2; exit 1; }
    awk -v c="$(wc -l <"$2/classes.txt")" '{printf "%s %.2f %d\n", $1, $2 + $3, c}' "$2/time.txt"
  }
  for k in 0 1; do one "${JARS[$k]}" "$WORK/jar$k" >/dev/null; done # prime each cache (not measured)
  declare -a W0 C0 K0 W1 C1 K1
  for i in $(seq 1 "$PAIRS"); do
    for k in 0 1; do
      read -r w c n < <(one "${JARS[$k]}" "$WORK/jar$k")
      eval "W$k+=($w); C$k+=($c); K$k+=($n)"
      echo "pair $i jar $k: wall $w s, cpu user+sys $c s, classes $n"
    done
  done
  for k in 0 1; do
    eval 'w=$(printf "%s\n" "${W'$k'[@]}" | med); c=$(printf "%s\n" "${C'$k'[@]}" | med); n=$(printf "%s\n" "${K'$k'[@]}" | med)'
    echo "median jar $k ${JARS[$k]}: wall $w s | cpu user+sys $c s | classes $n"
  done
  exit 0
fi
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

  # the framework cache is kept between starts (as an operator's): the first start fills it
  if [ "${KEEP:-1}" = 1 ] && [ "$i" = 1 ]; then
    mkdir -p "$WORK/run" && (cd "$WORK/run" && echo | timeout 120 java "${JOPTS[@]}" -jar "$JAR" >/dev/null 2>&1 || true)
  fi
  [ "${KEEP:-1}" = 1 ] || rm -rf "$WORK/run"
  mkdir -p "$WORK/run" && cd "$WORK/run"
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
