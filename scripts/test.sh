#!/usr/bin/env bash
# The whole test suite on a fresh Debian machine, as root: installs what is missing, then runs
# type checks, lint, unit, integration (real snmpd, influxd, openssl) and browser (Chromium) tests.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(influxdb snmpd snmp chromium openssl prometheus-snmp-exporter nats-server snmptrapd fonts-wqy-microhei sqlite3 procps postgresql rsyslog bsdutils oathtool prometheus fping poppler-utils curl)
missing=()
for pkg in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  if [ "$(id -u)" -ne 0 ]; then echo "need root to apt-get install ${missing[*]}" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "==> npm ci"
  npm ci --no-audit --no-fund
fi

echo "==> build (dist/: what bin/egov-noc.js runs)"
node scripts/build.js
echo "==> type check"
npx tsc --noEmit -p .
if [ -f console/web/index.html ]; then
  echo "==> svelte-check + web build"
  npx svelte-check --tsconfig console/web/tsconfig.json --fail-on-warnings
  npm run build:web --silent
fi
echo "==> lint and format"
npx eslint . --max-warnings 0
npx prettier --check . --log-level warn

echo "==> tests"
mkdir -p test/.artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=test/.artifacts/vitest.json "$@" || status=$?
node -e '
  const r = JSON.parse(require("fs").readFileSync("test/.artifacts/vitest.json", "utf8"));
  console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
