#!/usr/bin/env bash
# Kumiki test service: a headless browser for the campaign report's test (BrowserReportTest in
# org.kumiki.campaign.report): Debian's chromium, driven by playwright-core from npm (no browser
# download). A program, not a daemon: start installs playwright-core once and checks both run.
#
#   browser.sh packages   Debian packages it needs
#   browser.sh start      install playwright-core@1.65.1 into $KUMIKI_BROWSER_DIR (skipped when
#                         present) and check that chromium starts headless
#   browser.sh stop       nothing to stop
#   browser.sh status     print the versions
#
# KUMIKI_BROWSER_DIR (default ~/.cache/kumiki-browser) holds node_modules/playwright-core;
# KUMIKI_CHROMIUM (default /usr/bin/chromium) the browser. Tests that use it fail (not skip)
# without it when KUMIKI_REQUIRE_BROWSER=1.
set -euo pipefail
DIR=${KUMIKI_BROWSER_DIR:-$HOME/.cache/kumiki-browser}
CHROMIUM=${KUMIKI_CHROMIUM:-/usr/bin/chromium}
PLAYWRIGHT=playwright-core@1.65.1

die() { echo "browser.sh: $*" >&2; exit 1; }

check() {
  [ -x "$CHROMIUM" ] || die "$CHROMIUM is missing (apt-get install chromium)"
  command -v node >/dev/null || die "node is missing (apt-get install nodejs)"
  [ -f "$DIR/node_modules/playwright-core/package.json" ] || die "playwright-core is missing from $DIR (browser.sh start)"
  # really launch it headless, as the test does
  NODE_PATH="$DIR/node_modules" KUMIKI_CHROMIUM="$CHROMIUM" timeout 120 node -e '
    const { chromium } = require("playwright-core");
    chromium.launch({ executablePath: process.env.KUMIKI_CHROMIUM, args: ["--no-sandbox"] })
      .then(async (b) => { console.log("chromium " + b.version() + ", playwright-core " + require("playwright-core/package.json").version); await b.close(); })
      .catch((e) => { console.error("browser.sh: chromium does not start: " + e.message.split("\n")[0]); process.exit(1); });'
}

case "${1:-}" in
  packages)
    # node and npm may come from NodeSource's nodejs (which bundles npm and conflicts with
    # Debian's npm package): ask for Debian's only when the commands are missing
    pk=chromium
    command -v node >/dev/null || pk="$pk nodejs"
    command -v npm >/dev/null || pk="$pk npm"
    echo $pk ;;
  start)
    if [ ! -f "$DIR/node_modules/playwright-core/package.json" ] \
        || [ "$(node -p "require('$DIR/node_modules/playwright-core/package.json').version")" != "${PLAYWRIGHT#*@}" ]; then
      command -v npm >/dev/null || die "npm is missing (apt-get install npm)"
      mkdir -p "$DIR"
      echo "browser.sh: installing $PLAYWRIGHT into $DIR"
      npm install --prefix "$DIR" --no-audit --no-fund --loglevel=error "$PLAYWRIGHT" >/dev/null
    fi
    echo "browser.sh: $(check) ready"
    ;;
  stop) : ;;
  status) check ;;
  *) echo "usage: $0 packages|start|stop|status" >&2; exit 2 ;;
esac
