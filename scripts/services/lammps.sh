#!/usr/bin/env bash
# Kumiki test service: LAMMPS (Debian package `lammps`, binary /usr/bin/lmp) for the
# simulation domain's tests. LAMMPS is a program, not a daemon: start/stop only check it.
#
#   lammps.sh packages   Debian packages it needs
#   lammps.sh start      check that lmp runs (fails if it is missing)
#   lammps.sh stop       nothing to stop
#   lammps.sh status     print the LAMMPS version
#
# Tests that use it fail (not skip) without it when KUMIKI_REQUIRE_LAMMPS=1.
set -euo pipefail
LMP=${KUMIKI_LMP:-/usr/bin/lmp}

check() {
  [ -x "$LMP" ] || { echo "lammps.sh: $LMP is missing (apt-get install lammps)" >&2; exit 1; }
  "$LMP" -h | sed -n 2p | sed 's/^ *//'
}

case "${1:-}" in
  packages) echo lammps openmpi-bin ;;
  start) check >/dev/null; echo "lammps.sh: $LMP is ready" ;;
  stop) : ;;
  status) check ;;
  *) echo "usage: $0 packages|start|stop|status" >&2; exit 2 ;;
esac
