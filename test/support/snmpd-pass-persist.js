// snmpd `pass_persist` helper for tests: serves the OIDs of one subtree from a JSON state file that
// the test rewrites at will, so a real Debian snmpd answers with values the test controls.
//   pass_persist SUBTREE /usr/bin/node test/support/snmpd-pass-persist.js STATE.json SUBTREE
// STATE.json: { "1.3.6.1.2.1.1.3.0": ["timeticks", 100], "1.3.6.1.2.1.31.1.1.1.6.1": ["counter64", "123"] }
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

const [statePath, subtreeArg] = process.argv.slice(2);
const subtree = (subtreeArg ?? '').replace(/^\./, '');

function compare(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
}

function load() {
  let state = {};
  try {
    state = JSON.parse(readFileSync(statePath, 'utf8'));
  } catch {
    state = {};
  }
  return Object.entries(state)
    .filter(([oid]) => oid === subtree || oid.startsWith(`${subtree}.`))
    .sort(([a], [b]) => compare(a, b));
}

function answer(entry) {
  if (!entry) return 'NONE\n';
  const [oid, [type, value]] = entry;
  return `.${oid}\n${type}\n${value}\n`;
}

let pending = null;
const lines = createInterface({ input: process.stdin });
lines.on('line', (raw) => {
  const line = raw.trim();
  if (pending === null) {
    if (line === 'PING') process.stdout.write('PONG\n');
    else if (line === 'get' || line === 'getnext') pending = line;
    else if (line === 'set') pending = 'set';
    return;
  }
  const command = pending;
  pending = null;
  if (command === 'set') {
    process.stdout.write('not-writable\n');
    return;
  }
  const oid = line.replace(/^\./, '');
  const entries = load();
  if (command === 'get') process.stdout.write(answer(entries.find(([o]) => o === oid)));
  else process.stdout.write(answer(entries.find(([o]) => compare(o, oid) > 0)));
});
