#!/usr/bin/env bash
# Kumiki test service: promtool (Debian package `prometheus`) for org.kumiki.platform.metrics'
# tests, which check the /metrics text with `promtool check metrics`. A program, not a daemon:
# start/stop only check it (the package's own Prometheus server is not started).
#
#   promtool.sh packages   Debian packages it needs
#   promtool.sh start      check that promtool runs (fails if it is missing)
#   promtool.sh stop       nothing to stop
#   promtool.sh status     print the promtool version
#
# KUMIKI_PROMTOOL overrides the binary. Tests that use it fail (not skip) without it when
# KUMIKI_REQUIRE_PROMTOOL=1.
set -euo pipefail
PROMTOOL=${KUMIKI_PROMTOOL:-$(command -v promtool || echo /usr/bin/promtool)}

check() {
  [ -x "$PROMTOOL" ] || { echo "promtool.sh: $PROMTOOL is missing (apt-get install prometheus)" >&2; exit 1; }
  "$PROMTOOL" --version 2>&1 | head -1
}

case "${1:-}" in
  packages) echo prometheus ;;
  start) check >/dev/null; echo "promtool.sh: $PROMTOOL is ready" ;;
  stop) : ;;
  status) check ;;
  *) echo "usage: $0 packages|start|stop|status" >&2; exit 2 ;;
esac
