/**
 * The exact check of one search term against an event's searchable text, in SQL, as cheap as it can
 * be while giving the answer of `instr(fold(searchable), term)` (JavaScript's toLowerCase, every
 * script) for every row. Calling back into JavaScript costs about a microsecond a row, so the check
 * stays in SQLite whenever that gives the same answer:
 *
 * - a term of caseless characters only (Chinese, digits, punctuation: `登录失败`, `203.0.113.7`) is
 *   in the folded text exactly when it is in the text: folding changes only cased characters, and
 *   the one caseless character folding produces (U+0307, from `İ`) is left to the JavaScript check;
 * - a term of ASCII and caseless characters (`ssh_fail`, `用户admin`) is in the folded text exactly
 *   when it is in the text with ASCII A–Z lowered (SQLite's LIKE, `%`, `_` and `\` escaped), unless the text holds one
 *   of the two non-ASCII characters whose lower case is ASCII (U+212A Kelvin sign → `k`, U+0130 `İ`
 *   → `i` + U+0307): such a row is checked in JavaScript;
 * - any other term (Cyrillic, Greek, full-width Latin …) is checked in JavaScript.
 */
import { FOLD_FUNCTION } from './schema';

/** The fields a term is searched in (query.ts); a term (no whitespace) never spans two. */
const SEARCHABLE_FIELDS = ['text', 'message_id', 'user_name', 'hostname'] as const;

/** All fields in one folded text, one per line: for a term only JavaScript can fold (one call a row). */
const SEARCHABLE_FOLDED = `${FOLD_FUNCTION}(${SEARCHABLE_FIELDS.map((field) => `coalesce(${field}, '')`).join(' || char(10) || ')})`;

/** The non-ASCII characters whose lower case holds ASCII (the whole of Unicode checked). */
const FOLDS_TO_ASCII = ['\u212a', '\u0130'];
/** The one caseless character that folding produces from a cased one (`İ` → `i` + U+0307). */
const PRODUCED_BY_FOLDING = '\u0307';

const isAscii = (char: string): boolean => char.charCodeAt(0) < 0x80;
const isCaseless = (char: string): boolean =>
  char !== PRODUCED_BY_FOLDING && char.toLowerCase() === char && char.toUpperCase() === char;

/** Adds a parameter, returns its placeholder (filters.ts SqlDialect.param). */
type AddParam = (value: string) => string;

const anyField = (check: (field: string) => string): string =>
  `(${SEARCHABLE_FIELDS.map(check).join(' OR ')})`;

/** SQL true when the (already folded) term is in a row's folded searchable text. */
export function termCheckSql(term: string, param: AddParam): string {
  const chars = [...term];
  if (chars.every(isCaseless)) return anyField((field) => `instr(${field}, ${param(term)}) > 0`);
  if (chars.every((char) => isAscii(char) || isCaseless(char))) {
    // LIKE (ASCII case-insensitive, SQLite's default) finds every match but those that need the
    // Kelvin sign or İ folded; rows holding one are checked in JavaScript as well.
    const pattern = `%${term.replace(/[\\%_]/gu, '\\$&')}%`;
    const holdsFoldsToAscii = (field: string) =>
      FOLDS_TO_ASCII.map((char) => `instr(${field}, '${char}') > 0`).join(' OR ');
    return anyField(
      (field) =>
        `${field} LIKE ${param(pattern)} ESCAPE '\\' OR ((${holdsFoldsToAscii(field)}) AND instr(${FOLD_FUNCTION}(${field}), ${param(term)}) > 0)`,
    );
  }
  return `instr(${SEARCHABLE_FOLDED}, ${param(term)}) > 0`;
}
