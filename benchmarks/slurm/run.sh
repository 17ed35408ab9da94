#!/usr/bin/env bash
# N trivial jobs (default 200) through the Slurm backend vs a raw `sbatch --wrap true` loop,
# against the same single-node Slurm in the same run. Needs root for slurm.sh start.
#   benchmarks/slurm/run.sh [N]
# Environment: KUMIKI_BENCH_POLL_MS (backend poll interval, default 500).
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/services/slurm.sh start
KUMIKI_BENCH_JOBS=${1:-200} ./mvnw -B -q -o test -pl bundles/org.kumiki.scheduler.slurm \
  -Dtest=SlurmBenchmark -Dsurefire.failIfNoSpecifiedTests=false >/dev/null
cat bundles/org.kumiki.scheduler.slurm/target/benchmark-slurm.txt
