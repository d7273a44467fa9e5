// vitest globalSetup: compile dist/ from the current sources before any test runs, because the
// integration tests start `bin/egov-noc.js`, which runs dist/. Unchanged outputs are not rewritten.
import { build } from './build.js';

export default async function setup() {
  await build();
}
