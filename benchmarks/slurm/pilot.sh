#!/usr/bin/env bash
# N function tasks (kumiki.noop, 10 ms each; default 1000) through a pilot on the single-node
# Slurm: pilot start, tasks/s through the running pilot (target >= 1,000/s), end to end, the
# container's CPU per task; then M of the same tasks as one Slurm job each (default 20,
# extrapolated to N; M = N measures them all) for the "pilot vs one job per task" ratio
# (target >= 20x).
#   benchmarks/slurm/pilot.sh [N] [M]
# Environment: KUMIKI_BENCH_WORKERS (worker JVMs in the pilot, default 2), KUMIKI_BENCH_SLOTS
# (tasks each runs at a time, default 16), KUMIKI_WORKER_JAR (default the built
# distributions/worker/target/worker.jar). Figures: stdout and
# bundles/org.kumiki.scheduler.pilot/target/benchmark-pilot.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/services/slurm.sh start
KUMIKI_REQUIRE_SLURM=1 KUMIKI_BENCH_TASKS=${1:-1000} KUMIKI_BENCH_PER_JOB=${2:-20} ./mvnw -B -q -o test -pl bundles/org.kumiki.scheduler.pilot \
  -Dtest=PilotBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Djdk.lang.Process.launchMechanism=VFORK >/dev/null
cat bundles/org.kumiki.scheduler.pilot/target/benchmark-pilot.txt
