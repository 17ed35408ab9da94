#!/usr/bin/env bash
# Kumiki inference benchmark: raw ONNX Runtime vs the in-process InferenceService, dynamic
# batching vs none at 32 callers, OIP v2 REST over loopback vs in-process. One run, ratios printed.
# Needs the inference modules installed (./mvnw -B -q -o install -f bundles/org.kumiki.inference.<m>/pom.xml).
# Environment: RUN_MS / WARM_MS (per row, default 5000 / 2000); HIDDEN (1024), DELAY_US (100),
# BATCH_INSTANCES (1), BATCH_THREADS (2), NOBATCH_INSTANCES (2), NOBATCH_THREADS (1), PREFERRED (32: preferred batch sizes, comma-separated), ASYNC_THREADS (2: the manager's pool for
# asynchronous requests without batching); ONLY=batch runs only the 32-caller batching rows; BATCH_SWEEP ("256 64": hidden
# widths whose batching rows follow the full run); JAVA_OPTS (extra JVM options, e.g. a flight recording).
set -euo pipefail
cd "$(dirname "$0")/../.."
M2="${MAVEN_REPO:-$HOME/.m2/repository}"
V=1.0.0-SNAPSHOT
cp=""
for m in inference.api inference inference.onnx inference.onnxruntime inference.http inference.test; do
  cp="$cp:$M2/org/kumiki/org.kumiki.$m/$V/org.kumiki.$m-$V.jar"
done
for j in com/fasterxml/jackson/core/jackson-databind/2.18.2/jackson-databind-2.18.2.jar \
         com/fasterxml/jackson/core/jackson-core/2.18.2/jackson-core-2.18.2.jar \
         com/fasterxml/jackson/core/jackson-annotations/2.18.2/jackson-annotations-2.18.2.jar \
         org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
         org/apache/felix/org.apache.felix.http.jetty12/1.1.8/org.apache.felix.http.jetty12-1.1.8.jar \
         org/apache/felix/org.apache.felix.http.servlet-api/6.1.0/org.apache.felix.http.servlet-api-6.1.0.jar; do
  cp="$cp:$M2/$j"
done
cp="${cp#:}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
javac -nowarn -d "$out" -cp "$cp" benchmarks/inference/InferenceBenchmark.java
bench() { # $1: hidden width, $2: ONLY
  java ${JAVA_OPTS:-} -Xmx2g -Djava.io.tmpdir="$out" -Dslf4j.internal.verbosity=ERROR -Dhidden="$1" -Ddelay.us="${DELAY_US:-100}" -Dbatch.instances="${BATCH_INSTANCES:-1}" -Dbatch.threads="${BATCH_THREADS:-2}" -Dnobatch.instances="${NOBATCH_INSTANCES:-2}" -Dnobatch.threads="${NOBATCH_THREADS:-1}" -Dpreferred="${PREFERRED:-32}" -Dasync.threads="${ASYNC_THREADS:-2}" -Drun.ms="${RUN_MS:-5000}" -Dwarm.ms="${WARM_MS:-2000}" -Donly="$2" -cp "$out:$cp" InferenceBenchmark
}
echo "uptime: $(uptime)"
bench "${HIDDEN:-1024}" "${ONLY:-}"
if [ -z "${ONLY:-}" ]; then
  # dynamic batching on small MLPs (the issue's target: 3x at 32 callers on a small MLP)
  for h in ${BATCH_SWEEP:-256 64}; do
    echo
    echo "== batching rows, MLP 64-$h-$h-16"
    bench "$h" batch
  done
fi
echo "uptime: $(uptime)"
