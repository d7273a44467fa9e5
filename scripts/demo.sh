#!/usr/bin/env bash
# Run the product: a simulated Nanyang e-government network, the collector, the alert engine and
# the console, on embedded stores. Installs npm dependencies when missing or older than
# package-lock.json (npm ci) and compiles dist/ (about a second) from the current sources. Ctrl-C
# stops everything.
#
# EGOV_NOC_SKIP_INSTALL=1: never run npm ci (the tests that run this script, a checkout whose
# node_modules others share); node_modules must then exist, or the script stops saying so.
set -euo pipefail
cd "$(dirname "$0")/.."
skip_install="${EGOV_NOC_SKIP_INSTALL:-0}"
if [ "$skip_install" != 0 ] && [ "$skip_install" != 1 ]; then
  echo "demo.sh: EGOV_NOC_SKIP_INSTALL must be 1 (never install) or 0, got \"$skip_install\"" >&2
  exit 2
fi
if [ "$skip_install" = 1 ]; then
  if [ ! -d node_modules ]; then
    echo "demo.sh: EGOV_NOC_SKIP_INSTALL=1 but node_modules is missing: run npm ci first, or unset it" >&2
    exit 1
  fi
elif [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -f console/web/index.html ] && [ ! -f console/web/dist/index.html ]; then
  npm run build:web --silent
fi
node scripts/build.js --quiet
exec node bin/egov-noc.js demo "$@"
