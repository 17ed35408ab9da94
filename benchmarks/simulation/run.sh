#!/bin/sh
# LAMMPS bench/in.lj (32,000 atoms, 100 NVE steps): the embedded engine (1 and 2 threads)
# against the real LAMMPS (serial), interleaved (LAMMPS, then the embedded engine, per
# repeat) so that both see the same machine load; prints atom-steps/s and ratios.
# Usage: benchmarks/simulation/run.sh [REPEATS]   (build bundles/org.kumiki.simulation.md first)
# Each repeat starts one JVM that runs in.lj once to warm up the JIT (reported as "cold"),
# then once on 1 thread and once on 2 threads. Loop times exclude setup, as LAMMPS's
# "Loop time" does.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
REPEATS=${1:-3}
LMP=${KUMIKI_LMP:-/usr/bin/lmp}
MD_JAR=$(ls "$ROOT"/bundles/org.kumiki.simulation.md/target/org.kumiki.simulation.md-*.jar | head -1)
API_JAR=$(ls "$ROOT"/bundles/org.kumiki.simulation.api/target/org.kumiki.simulation.api-*.jar | head -1)
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

echo "machine: $(nproc) CPUs; load before: $(uptime | sed 's/.*load average: //')"
echo "LAMMPS: $("$LMP" -h | sed -n 2p | sed 's/^ *//')"
echo "java: $(java -version 2>&1 | head -1)"
cd "$OUT"
for i in $(seq 1 "$REPEATS"); do
  "$LMP" -in "$HERE/in.lj" -log "lmp$i.log" -screen none
  t=$(sed -n 's/^Loop time of \([0-9.e+-]*\) on 1 procs.*/\1/p' "lmp$i.log")
  echo "lammps repeat=$i loop_s=$t atom_steps_per_s=$(awk -v t="$t" 'BEGIN{printf "%.6g", 3200000/t}')"
  java -cp "$MD_JAR:$API_JAR" org.kumiki.simulation.md.internal.Benchmark 2 1 2 | sed "s/repeat=\([01]\)/repeat=$i.\1/"
done | tee results.txt
echo "load after: $(uptime | sed 's/.*load average: //')"

awk '
  function val(line, key,   n, f, i, kv) { n = split(line, f, " "); for (i = 1; i <= n; i++) { split(f[i], kv, "="); if (kv[1] == key) return kv[2] } return "" }
  /^lammps / { r = val($0, "repeat"); l[r] = val($0, "atom_steps_per_s") + 0; if (l[r] > lb) lb = l[r]; n++ }
  /^md / { split(val($0, "repeat"), rr, "."); r = rr[1]; t = val($0, "threads"); s = val($0, "atom_steps_per_s") + 0;
           if (rr[2] == 0) { if (s > cold[t]) cold[t] = s } else { m[r, t] = s; if (s > b[t]) b[t] = s } }
  END {
    printf "\nper repeat (warm JVM): ratio md/LAMMPS at 1 thread, at 2 threads; md scaling 1 -> 2 threads\n";
    for (r = 1; r <= n; r++) printf "  repeat %d: %.2fx  %.2fx  %.2fx\n", r, m[r, 1] / l[r], m[r, 2] / l[r], m[r, 2] / m[r, 1];
    printf "best of repeats (atom-steps/s):\n";
    printf "  LAMMPS serial   %.4g\n", lb;
    printf "  md 1 thread     %.4g (cold JVM best %.4g)  ratio %.2fx\n", b[1], cold[1], b[1] / lb;
    printf "  md 2 threads    %.4g (cold JVM best %.4g)  ratio %.2fx\n", b[2], cold[2], b[2] / lb;
    printf "  md scaling 1 -> 2 threads: %.2fx\n", b[2] / b[1];
  }' "$OUT/results.txt"
