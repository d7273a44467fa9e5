/**
 * Where `egov-noc simulate` leaves its control endpoint's URL and bearer token (a 0600 file in a
 * 0700 folder), and how `egov-noc fault` reads them back.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';

/** In the user's home, not the working folder: a token has no business in a repository checkout. */
export const DEFAULT_CONTROL_FILE = join(homedir(), '.egov-noc', 'simulator-control.json');

const controlFileSchema = z.object({ url: z.string().url(), token: z.string().min(16) });
export type ControlFile = z.infer<typeof controlFileSchema>;

/** The control file's contents, or the reason it cannot be used. */
export function readControlFile(path: string): ControlFile | { error: string } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      error: `control file ${path}: ${code === 'ENOENT' ? 'not found (is `egov-noc simulate` running here?)' : (code ?? 'unreadable')}`,
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { error: `control file ${path}: not JSON` };
  }
  const parsed = controlFileSchema.safeParse(json);
  return parsed.success ? parsed.data : { error: `control file ${path}: expected {"url", "token"}` };
}
