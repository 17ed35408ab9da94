#!/usr/bin/env bash
# Campaign benchmark on the simulated bench's synthesis landscape with its noise: evaluations to
# come within 1 % of the optimum over seeds for Kumiki's Bayesian optimisation, its random search
# and Optuna's TPE sampler (Debian's python3-optuna, run here on the same landscape), the same
# budget cap for all three, medians, quartiles and ratios; then the time of one Bayesian proposal
# with 200 observations beside a plain Hipparchus Cholesky of the 200 x 200 kernel.
# Usage: benchmarks/campaign/run.sh [seeds (20)] [cap (200)] [noise (0.002, SimLab's default)]
# Environment: ONLY=convergence|time runs one half; REPEATS (30) proposals timed; MULTIVARIATE=true
# runs Optuna's TPE with multivariate=True instead of its defaults.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import optuna' 2>/dev/null; then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q python3-optuna >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -q python3-optuna >/dev/null; }
fi
for m in org.kumiki.campaign.api org.kumiki.campaign; do
  ./mvnw -B -q -o install -DskipTests -f bundles/$m/pom.xml
done
mod=bundles/org.kumiki.campaign
./mvnw -B -q -o -f $mod/pom.xml dependency:build-classpath -Dmdep.outputFile=target/bench.cp -Dmdep.includeScope=runtime
uptime
exec java -Xmx1g -Donly="${ONLY:-}" -Drepeats="${REPEATS:-30}" -Dmultivariate="${MULTIVARIATE:-false}" -cp "$mod/target/classes:$(cat $mod/target/bench.cp)" \
  benchmarks/campaign/CampaignBenchmark.java "${1:-20}" "${2:-200}" benchmarks/campaign/optuna_tpe.py "${3:-0.002}"
