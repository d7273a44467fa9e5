#!/usr/bin/env bash
# Run the product: a simulated Nanyang e-government network, the collector, the alert engine and
# the console, on embedded stores. Installs npm dependencies when missing and compiles dist/ (about a
# second) from the current sources. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
if [ -f console/web/index.html ] && [ ! -f console/web/dist/index.html ]; then
  npm run build:web --silent
fi
node scripts/build.js --quiet
exec node bin/egov-noc.js demo "$@"
