#!/usr/bin/env bash
# Kumiki test service: aarch64 under emulation, for the hpc-gpu site's Arm test (ArmEmulationTest in
# distributions/tests). Debian's qemu-user-static runs Debian's arm64 OpenJDK 17 directly
# (`qemu-aarch64-static /usr/lib/jvm/java-17-openjdk-arm64/bin/java -jar site.jar`): no binfmt, no
# privileges, no Arm hardware. A program, not a daemon: start installs what is missing and checks
# that the arm64 JVM runs.
#
#   arm.sh packages   Debian packages it needs (the arm64 JRE needs `dpkg --add-architecture arm64`:
#                     scripts/test-all.sh adds the architecture of any `pkg:arch` before apt-get update)
#   arm.sh start      add the arm64 architecture and install the packages when missing (skipped,
#                     in well under a second, when they are there), then check the arm64 java runs
#   arm.sh stop       nothing to stop
#   arm.sh status     print the emulated JVM's version and os.arch
#
# KUMIKI_QEMU_AARCH64 (default /usr/bin/qemu-aarch64-static) and KUMIKI_ARM_JAVA (default
# /usr/lib/jvm/java-17-openjdk-arm64/bin/java) override the binaries. Tests that use them fail (not
# skip) without them when KUMIKI_REQUIRE_ARM=1.
# Note: installing openjdk-17-jre-headless:arm64 also upgrades the amd64 openjdk-17 packages to the
# same Debian release (Multi-Arch: same); the build's JDK stays 17.
set -euo pipefail
QEMU=${KUMIKI_QEMU_AARCH64:-/usr/bin/qemu-aarch64-static}
ARM_JAVA=${KUMIKI_ARM_JAVA:-/usr/lib/jvm/java-17-openjdk-arm64/bin/java}
PACKAGES="qemu-user-static openjdk-17-jre-headless:arm64"

die() { echo "arm.sh: $*" >&2; exit 1; }

missing() {
  local p out=""
  for p in $PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || out="$out $p"; done
  echo "$out"
}

install() {
  local need SUDO=""
  need=$(missing)
  [ -n "$need" ] || return 0
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  if ! { dpkg --print-architecture; dpkg --print-foreign-architectures; } | grep -qx arm64; then
    echo "arm.sh: dpkg --add-architecture arm64"
    $SUDO dpkg --add-architecture arm64
  fi
  echo "arm.sh: installing$need"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq $need >/dev/null
}

check() {
  [ -x "$QEMU" ] || die "$QEMU is missing (apt-get install qemu-user-static)"
  [ -x "$ARM_JAVA" ] || die "$ARM_JAVA is missing (dpkg --add-architecture arm64; apt-get install openjdk-17-jre-headless:arm64)"
  local props
  props=$(timeout 120 "$QEMU" "$ARM_JAVA" -XshowSettings:properties -version 2>&1) \
    || die "the arm64 java does not run under $QEMU: $(echo "$props" | tail -1)"
  local arch version
  arch=$(echo "$props" | awk -F' = ' '/^ *os.arch = /{print $2}')
  version=$(echo "$props" | awk -F' = ' '/^ *java.runtime.version = /{print $2}')
  [ "$arch" = aarch64 ] || die "the emulated JVM reports os.arch=$arch, not aarch64"
  echo "java $version os.arch=$arch under $(basename "$QEMU")"
}

case "${1:-}" in
  packages) echo $PACKAGES ;;
  start) install; echo "arm.sh: $(check) ready" ;;
  stop) : ;;
  status) check ;;
  *) echo "usage: $0 packages|start|stop|status" >&2; exit 2 ;;
esac
