#!/usr/bin/env bash
# Runtime assembly: Kumiki's kumiki:install FEATURE in the running workstation against Apache Karaf
# 4.4.8 (minimal) feature:install of the same bundles from the same repository folder, same run.
#
#   benchmarks/assemble/run.sh [ROUNDS=5] [FEATURE=lab-opcua]
#
# Needs: the workstation jar and the bundle repository built (./mvnw -B -q -DskipTests install);
# Karaf is fetched once with Maven (org.apache.karaf:apache-karaf-minimal:4.4.8:tar.gz, then from
# ~/.m2 offline) and unpacked into ~/.cache/kumiki-bench/karaf. KUMIKI_BENCH_KARAF_ONLY=1 runs only
# Karaf's side (e.g. before the assembly bundle is in the workstation). Prints per-round wall and
# CPU time of each container JVM, the medians and the ratio (README.md beside this file).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
ROUNDS=${1:-5}
FEATURE=${2:-lab-opcua}
KARAF_VERSION=4.4.8
REPO=$ROOT/distributions/repository/target/repository
JAR=$ROOT/distributions/workstation/target/workstation.jar
CACHE=${KUMIKI_BENCH_CACHE:-$HOME/.cache/kumiki-bench}
KARAF=$CACHE/karaf/apache-karaf-minimal-$KARAF_VERSION
WORK=$ROOT/benchmarks/assemble/target

[ -f "$REPO/index.xml" ] || { echo "no $REPO/index.xml: build first (./mvnw -B -q -DskipTests install)" >&2; exit 1; }
[ -f "$JAR" ] || { echo "no $JAR: build first (./mvnw -B -q -DskipTests install)" >&2; exit 1; }
if [ ! -x "$KARAF/bin/karaf" ]; then
  mkdir -p "$CACHE/karaf"
  fetch() { ./mvnw -B -q "$@" -f benchmarks/assemble/pom.xml dependency:copy \
      -Dartifact=org.apache.karaf:apache-karaf-minimal:$KARAF_VERSION:tar.gz -DoutputDirectory="$CACHE/karaf"; }
  fetch -o 2>/dev/null || fetch
  tar xzf "$CACHE/karaf/apache-karaf-minimal-$KARAF_VERSION.tar.gz" -C "$CACHE/karaf"
fi
rm -rf "$WORK"
mkdir -p "$WORK"
mode=""; [ "${KUMIKI_BENCH_KARAF_ONLY:-0}" = 1 ] && mode=karaf-only
echo "java $(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.runtime.version/{print $2}'), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java benchmarks/assemble/AssembleBenchmark.java "$ROUNDS" "$FEATURE" "$REPO" "$JAR" "$KARAF" "$WORK" $mode
