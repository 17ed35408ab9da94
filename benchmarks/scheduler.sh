#!/usr/bin/env bash
# Scheduler benchmark: (a) trivial processes through the local backend vs xargs -P cores,
# (b) no-op function tasks per second. Processes spawn with VFORK, as the distributions set it. Usage: benchmarks/scheduler.sh [processes] [functions] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -DskipTests install -pl bundles/org.kumiki.scheduler.local -am
mod=bundles/org.kumiki.scheduler.local
./mvnw -B -q -f $mod/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=test
exec java -Xmx2g -Djdk.lang.Process.launchMechanism=VFORK -cp "$mod/target/test-classes:$mod/target/classes:$(cat $mod/target/bench.cp)" \
  org.kumiki.scheduler.local.internal.SchedulerBenchmark "${1:-10000}" "${2:-100000}" "${3:-3}"
