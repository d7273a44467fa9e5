/** Where `egov-noc simulate` writes its control file by default; no dependencies, for the CLI's help. */
import { homedir } from 'node:os';
import { join } from 'node:path';

/** In the user's home, not the working folder: a token has no business in a repository checkout. */
export const DEFAULT_CONTROL_FILE = join(homedir(), '.egov-noc', 'simulator-control.json');
