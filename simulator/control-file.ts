/**
 * Where `egov-noc simulate` leaves its control endpoint's URL and bearer token (a 0600 file in a
 * 0700 folder), and how `egov-noc fault` reads them back.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export { DEFAULT_CONTROL_FILE } from './control-file-path';

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
