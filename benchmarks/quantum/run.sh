#!/bin/sh
# Kumiki's state-vector simulator vs Strange (Java) and quantum-circuit (npm) on the same circuit,
# plus Kumiki vs a triad memory-bandwidth kernel measured in the same JVM. Prints ratios.
#
#   benchmarks/quantum/run.sh                 # Kumiki 16..26, Strange 16 18 20, quantum-circuit 16 20
#   KUMIKI_SIZES="20 22" STRANGE_SIZES="20" QC_SIZES="" benchmarks/quantum/run.sh   # empty = skip that peer
#
# Needs: the quantum bundles installed (./mvnw -B -q -o install -f bundles/org.kumiki.quantum.statevector/pom.xml),
# org.redfx:strange:0.1.3 in ~/.m2 (mvn dependency:get -Dartifact=org.redfx:strange:0.1.3), node + npm.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
M2=${M2_REPO:-$HOME/.m2/repository}
API=$M2/org/kumiki/org.kumiki.quantum.api/1.0.0-SNAPSHOT/org.kumiki.quantum.api-1.0.0-SNAPSHOT.jar
SV=$M2/org/kumiki/org.kumiki.quantum.statevector/1.0.0-SNAPSHOT/org.kumiki.quantum.statevector-1.0.0-SNAPSHOT.jar
STRANGE=$M2/org/redfx/strange/0.1.3/strange-0.1.3.jar
WORK=${BENCH_WORK:-${TMPDIR:-/tmp}/kumiki-quantum-bench}
KUMIKI_SIZES=${KUMIKI_SIZES:-"16 18 20 22 24 26"}
STRANGE_SIZES=${STRANGE_SIZES-"16 18 20"}
QC_SIZES=${QC_SIZES-"16 20"}
KUMIKI_HEAP=${KUMIKI_HEAP:-3g}
STRANGE_HEAP=${STRANGE_HEAP:-8g}
mkdir -p "$WORK/classes"
for f in "$API" "$SV"; do [ -f "$f" ] || { echo "missing $f: install the quantum bundles first" >&2; exit 1; }; done
javac -nowarn -cp "$API:$SV" -d "$WORK/classes" "$HERE/KumikiBench.java"
if [ -n "$STRANGE_SIZES" ]; then
  [ -f "$STRANGE" ] || { echo "missing $STRANGE (mvn dependency:get -Dartifact=org.redfx:strange:0.1.3)" >&2; exit 1; }
  javac -nowarn -cp "$STRANGE" -d "$WORK/classes" "$HERE/StrangeBench.java"
fi
if [ -n "$QC_SIZES" ] && [ ! -d "$WORK/node_modules/quantum-circuit" ]; then
  (cd "$WORK" && npm install --silent --no-audit --no-fund quantum-circuit@0.9.250 >/dev/null)
fi
cp "$HERE/qc-bench.js" "$WORK/"
OUT="$WORK/results.txt"
: > "$OUT"
echo "# $(date -u +%FT%TZ) $(uname -m) $(nproc) cpus; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# java $(java -version 2>&1 | head -1); node $(node --version 2>/dev/null || echo none)"
echo "## Kumiki (best of 3) and triad bandwidth"
java -Xmx$KUMIKI_HEAP -Dreps=3 -cp "$API:$SV:$WORK/classes" KumikiBench $KUMIKI_SIZES 2>/dev/null | tee -a "$OUT"
for n in $STRANGE_SIZES; do
  java -Xmx$STRANGE_HEAP -cp "$STRANGE:$WORK/classes" StrangeBench "$n" 2>/dev/null | grep '^strange' | tee -a "$OUT"
done
for n in $QC_SIZES; do
  (cd "$WORK" && node qc-bench.js "$n" 2>/dev/null) | grep '^quantum-circuit' | tee -a "$OUT"
done
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## ratios (peer seconds / Kumiki best seconds, same qubits, same circuit)"
awk '
  /^[0-9]/ { k[$1] = $3; floor[$1] = $7; ratio[$1] = $8; bw[$1] = $6 }
  /^strange/ { s[$2] = $4 }
  /^quantum-circuit/ { q[$2] = $4 }
  END {
    printf "%-7s %-10s %-12s %-12s %-16s %-12s %-14s\n", "qubits", "kumiki_s", "strange_s", "x_strange", "quantum-circuit_s", "x_qc", "kumiki/floor";
    for (n = 10; n <= 30; n++) if (n in k) {
      xs = (n in s) ? sprintf("%.0f", s[n] / k[n]) : "-"; xq = (n in q) ? sprintf("%.0f", q[n] / k[n]) : "-";
      printf "%-7d %-10.4f %-12s %-12s %-16s %-12s %-14.3f\n", n, k[n], (n in s) ? s[n] : "-", xs, (n in q) ? q[n] : "-", xq, ratio[n];
    }
  }' "$OUT"
