#!/usr/bin/env bash
# Lab benchmark: events/s through the run engine with persisted documents (count plan, zero-latency
# detector) beside the journal's own limit, and emergency-stop latency for 16 moving simulated motors.
# Usage: benchmarks/lab/run.sh [events] [estop-trials]
set -euo pipefail
cd "$(dirname "$0")/../.."
for m in org.kumiki.lab.api org.kumiki.lab.sim org.kumiki.lab.engine; do
  ./mvnw -B -q -o install -DskipTests -f bundles/$m/pom.xml
done
mod=bundles/org.kumiki.lab.engine
./mvnw -B -q -o -f $mod/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
uptime
exec java -Xmx2g -cp "$mod/target/classes:$(cat $mod/target/bench.cp)" benchmarks/lab/LabBenchmark.java "${1:-100000}" "${2:-200}"
