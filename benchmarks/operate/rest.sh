#!/usr/bin/env bash
# REST task submission over keep-alive against the Scheduler service called directly, in one run
# (RestBenchmark.java beside this script): the workstation jar's bundles run in an embedded Felix
# in the harness's JVM; the same spec (a `true` command waiting on a held task: recorded BLOCKED,
# no process spawned) is submitted N times in process and N times as POST /api/scheduler/tasks
# over T keep-alive connections, in alternating rounds. Prints both rates, the medians and the
# ratio (target: at least 5,000 submissions/s over REST).
# A submission is durable when it returns (the scheduler's journal is fsynced; concurrent
# submitters share one fsync), so both sides gain from concurrency: T (32) threads in process
# against T keep-alive connections over REST.
#
#   benchmarks/operate/rest.sh [N (20000)] [T connections/threads (32)] [ROUNDS (3)] [workstation jar]
#
# Build first (./mvnw -B -DskipTests install).
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${1:-20000}
T=${2:-32}
ROUNDS=${3:-3}
JAR=$(realpath "${4:-distributions/workstation/target/workstation.jar}")
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -DskipTests install)" >&2; exit 1; }
for v in "$N" "$T" "$ROUNDS"; do
  [ "$v" -ge 1 ] 2>/dev/null || { echo "N, T and ROUNDS are numbers >= 1, not '$v'" >&2; exit 2; }
done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/jar"
(cd "$WORK" && unzip -q -o "$JAR" 'jar/org.apache.felix.framework-*.jar')
FELIX=$(ls "$WORK"/jar/org.apache.felix.framework-*.jar)
HARNESS=$(realpath benchmarks/operate/RestBenchmark.java)
uptime
cd "$WORK"
java -Xmx2g -Djdk.lang.Process.launchMechanism=VFORK -cp "$FELIX" "$HARNESS" "$JAR" "$WORK" "$N" "$T" "$ROUNDS" 2>&1 \
  | grep -v -E '^[0-9:.]+ (DEBUG|INFO|WARN) '
