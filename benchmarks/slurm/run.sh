#!/usr/bin/env bash
# N trivial jobs (default 200) through the Slurm backend vs a raw `sbatch --wrap true` loop,
# against the same single-node Slurm in the same run, ROUNDS times alternating (default 2).
#   benchmarks/slurm/run.sh [N] [ROUNDS]
# Environment: KUMIKI_BENCH_POLL_MS (backend poll interval, default 500). Needs root to start
# Slurm (scripts/services/slurm.sh start; left running). Figures: stdout and
# bundles/org.kumiki.scheduler.slurm/target/benchmark-slurm.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/services/slurm.sh start
KUMIKI_BENCH_JOBS=${1:-200} KUMIKI_BENCH_ROUNDS=${2:-2} ./mvnw -B -q -o test -pl bundles/org.kumiki.scheduler.slurm \
  -Dtest=SlurmBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Djdk.lang.Process.launchMechanism=VFORK >/dev/null
cat bundles/org.kumiki.scheduler.slurm/target/benchmark-slurm.txt
