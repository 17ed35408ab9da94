#!/usr/bin/env bash
# N function tasks (kumiki.noop, 10 ms each; default 1000) on the single-node Slurm, end to end:
# as one Kumiki task array (one sbatch --array), as a raw `sbatch --array` of the worker jar
# (the same work without Kumiki; target: the array within 1.1x of it), and M of them as one
# Slurm job each (default 50, extrapolated to N; M = N measures them all).
#   benchmarks/slurm/arrays.sh [N] [M]
# Environment: KUMIKI_BENCH_THROTTLE (array throttle %T for both arrays, default 64),
# KUMIKI_WORKER_JAR (default the built distributions/worker/target/worker.jar). Figures:
# stdout and bundles/org.kumiki.scheduler.slurm/target/benchmark-arrays.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
bash scripts/services/slurm.sh start
KUMIKI_REQUIRE_SLURM=1 KUMIKI_BENCH_ARRAY_TASKS=${1:-1000} KUMIKI_BENCH_PER_JOB=${2:-50} ./mvnw -B -q -o test -pl bundles/org.kumiki.scheduler.slurm \
  -Dtest=ArrayBenchmark -Dsurefire.failIfNoSpecifiedTests=false -DargLine=-Djdk.lang.Process.launchMechanism=VFORK >/dev/null
cat bundles/org.kumiki.scheduler.slurm/target/benchmark-arrays.txt
