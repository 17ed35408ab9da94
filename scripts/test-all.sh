#!/usr/bin/env bash
# Kumiki: run every test on a fresh machine (the README's second command; CI calls it).
#
#  1. set-up: a JDK 17+, the system packages the tests need (each service script lists its own), and
#     every Maven plugin and dependency (through the Maven wrapper);
#  2. start the services the tests need (scripts/services/*.sh start), stop them on exit;
#  3. build, unit tests, in-framework tests, distribution export, resolution and smoke tests
#     (./mvnw verify);
#  4. fail if any in-framework runner executed zero tests (a known bnd tester trap);
#  5. fail if the resolver changed a committed bndrun (commit the resolved -runbundles).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
t0=$(date +%s)

log() { printf '\n==> %s\n' "$*"; }

# --- 1. set-up -------------------------------------------------------------------------
need_apt=()
command -v java >/dev/null 2>&1 || need_apt+=(openjdk-17-jdk-headless)
command -v curl >/dev/null 2>&1 || need_apt+=(curl)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
# the REST "Python notebook" test (distributions/tests RestApiTest) runs /usr/bin/python3 with Debian's requests
dpkg -s python3-requests >/dev/null 2>&1 || need_apt+=(python3-requests)
# domains add their packages here (scripts/services/*.sh may declare APT_PACKAGES too)
for svc in scripts/services/*.sh; do
  [ -e "$svc" ] || continue
  # shellcheck disable=SC1090
  pkgs=$(bash "$svc" packages)
  for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || need_apt+=("$p"); done
done
if [ ${#need_apt[@]} -gt 0 ]; then
  log "installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  # a package named pkg:ARCH (scripts/services/arm.sh: openjdk-17-jre-headless:arm64) needs that dpkg architecture
  for p in "${need_apt[@]}"; do
    case "$p" in *:*) { dpkg --print-architecture; dpkg --print-foreign-architectures; } | grep -qx "${p##*:}" || $SUDO dpkg --add-architecture "${p##*:}" ;; esac
  done
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${need_apt[@]}"
fi
jv=$(java -XshowSettings:properties -version 2>&1 | awk -F' = ' '/java.specification.version/{print $2}')
if [ "${jv%%.*}" -lt 17 ]; then echo "Java 17 or newer is needed, found $jv" >&2; exit 1; fi

# --- 2. services -----------------------------------------------------------------------
started=()
stop_services() {
  for ((i=${#started[@]}-1; i>=0; i--)); do
    bash "${started[$i]}" stop || echo "warning: stopping ${started[$i]} failed" >&2
  done
}
trap stop_services EXIT
for svc in scripts/services/*.sh; do
  [ -e "$svc" ] || continue
  log "starting service $(basename "$svc" .sh)"
  bash "$svc" start
  started+=("$svc")
done

# --- 3. build and test -----------------------------------------------------------------
# the services above were started here: tests that need them must fail, not skip, without them
export KUMIKI_REQUIRE_SLURM=1 KUMIKI_REQUIRE_SSHD=1 KUMIKI_REQUIRE_NGINX=1 KUMIKI_REQUIRE_LAMMPS=1 KUMIKI_REQUIRE_BROWSER=1 KUMIKI_REQUIRE_PROMTOOL=1
export KUMIKI_REQUIRE_ARM=1 # scripts/services/arm.sh: distributions/tests ArmEmulationTest
# the worker distribution jar runs inside the Slurm array and pilot tests of bundles that the
# reactor builds before distributions/: build it (and what it needs) first, without tests
log "building the worker distribution for the scheduler tests"
./mvnw -B -ntp -q install -DskipTests -pl distributions/worker -am "$@"
log "build and test (./mvnw verify)"
./mvnw -B -ntp verify "$@"
log "bundle versions are stated once (scripts/versions)"
scripts/versions

# --- 4. in-framework runners must have run tests -------------------------------------------
log "checking in-framework test reports"
status=0
for bndrun in bundles/*/test.bndrun; do
  [ -e "$bndrun" ] || continue
  module=$(dirname "$bndrun")
  n=0
  while IFS= read -r -d '' report; do
    c=$(grep -o '<testsuite [^>]*' "$report" | grep -o ' tests="[0-9]*"' | head -1 | tr -dc '0-9')
    n=$((n + ${c:-0}))
  done < <(find "$module/target/test-reports" -name 'TEST-*.xml' -print0 2>/dev/null)
  if [ "$n" -eq 0 ]; then
    echo "FAIL: $module ran 0 in-framework tests (no target/test-reports/**/TEST-*.xml with tests)" >&2
    status=1
  else
    echo "ok: $module ran $n in-framework tests"
  fi
done
[ $status -eq 0 ] || exit $status

# --- 5. committed resolutions are current -----------------------------------------------
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  if ! git diff --quiet -- '*.bndrun'; then
    echo "FAIL: the resolver changed committed bndruns; review and commit them:" >&2
    git --no-pager diff --stat -- '*.bndrun' >&2
    exit 1
  fi
  echo "ok: committed bndruns match the resolver"
fi

log "all tests passed in $(( $(date +%s) - t0 )) s"
