/**
 * Append-only, hash-chained audit log (JSON lines). Each entry carries the hash of the previous one
 * and its own hash over its content, so a changed, inserted or deleted line breaks the chain at that
 * line. The newest (seq, hash) is also anchored in the CA database, so deleting lines at the end is
 * detected too.
 */
import { hash } from 'node:crypto';

const sha256Hex = (text: string): string => hash('sha256', text, 'hex');
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { touchPrivateFile } from '../common/index';

export interface AuditEntry {
  seq: number;
  time: string;
  actor: string;
  action: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditHead {
  seq: number;
  hash: string;
}

export const GENESIS_HASH = '0'.repeat(64);

/** The hashed form of an entry: its fields in this order, as JSON. */
function canonical(entry: Omit<AuditEntry, 'hash'>): string {
  return JSON.stringify({
    seq: entry.seq,
    time: entry.time,
    actor: entry.actor,
    action: entry.action,
    details: entry.details,
    prevHash: entry.prevHash,
  });
}

export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  return hash('sha256', canonical(entry), 'hex');
}

export class AuditLog {
  private fd: number;
  private head: AuditHead;
  private buffered: string[] = [];

  constructor(
    readonly path: string,
    head: AuditHead,
  ) {
    this.head = head;
    touchPrivateFile(path);
    this.fd = openSync(path, 'a', 0o600);
  }

  /** Appends one entry; returns the new head, which the caller anchors in the same transaction. */
  append(actor: string, action: string, details: Record<string, unknown>, now = new Date()): AuditHead {
    const body = {
      seq: this.head.seq + 1,
      time: now.toISOString(),
      actor,
      action,
      details,
      prevHash: this.head.hash,
    };
    const text = canonical(body);
    const hash = sha256Hex(text);
    // The line is the canonical JSON with the hash appended as the last field.
    this.buffered.push(`${text.slice(0, -1)},"hash":"${hash}"}\n`);
    this.head = { seq: body.seq, hash };
    return this.head;
  }

  /**
   * Continues the chain from the file's last entry (another process may have appended since);
   * called when a group transaction begins, i.e. holding the database's write lock.
   */
  resync(): void {
    if (this.buffered.length === 0) this.head = readAuditHeadFromFile(this.path);
  }

  /** Writes buffered entries; the index calls this before each commit, so its anchor is never ahead of the file. */
  flush(): void {
    if (this.buffered.length === 0) return;
    writeSync(this.fd, this.buffered.join(''));
    this.buffered = [];
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

export type AuditVerdict =
  { ok: true; entries: number; head: AuditHead } | { ok: false; line: number; reason: string };

/** Checks every line of the log and the anchored head; names the first bad line. */
export function verifyAuditLog(path: string, anchored: AuditHead | null): AuditVerdict {
  if (!existsSync(path)) return { ok: false, line: 0, reason: `audit log ${path} is missing` };
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let prevHash = GENESIS_HASH;
  for (let index = 0; index < lines.length; index += 1) {
    const lineNo = index + 1;
    let entry: AuditEntry;
    try {
      entry = JSON.parse(lines[index]!) as AuditEntry;
    } catch {
      return { ok: false, line: lineNo, reason: 'not valid JSON (the entry was edited)' };
    }
    if (entry.seq !== lineNo) {
      return {
        ok: false,
        line: lineNo,
        reason: `sequence ${String(entry.seq)} where ${lineNo} was expected (an entry before it was deleted or moved)`,
      };
    }
    if (entry.prevHash !== prevHash) {
      return {
        ok: false,
        line: lineNo,
        reason: 'prevHash does not match the previous entry (an entry was deleted, inserted or changed)',
      };
    }
    if (hashEntry(entry) !== entry.hash) {
      return {
        ok: false,
        line: lineNo,
        reason: 'hash does not match the entry content (the entry was changed)',
      };
    }
    prevHash = entry.hash;
  }
  const last = { seq: lines.length, hash: prevHash };
  if (anchored) {
    if (anchored.seq > last.seq) {
      return {
        ok: false,
        line: last.seq + 1,
        reason: `the log ends at entry ${last.seq} but the CA database recorded entry ${anchored.seq} (entries were deleted from the end)`,
      };
    }
    if (anchored.seq > 0 && anchored.seq <= last.seq) {
      const anchoredLine = lines[anchored.seq - 1];
      const anchoredEntry = anchoredLine ? (JSON.parse(anchoredLine) as AuditEntry) : null;
      if (anchoredEntry?.hash !== anchored.hash) {
        return {
          ok: false,
          line: anchored.seq,
          reason: 'entry differs from the hash anchored in the CA database (the log was rewritten)',
        };
      }
    }
  }
  return { ok: true, entries: lines.length, head: last };
}

/** The newest entry's (seq, hash), read from the end of the file (entries are far under 64 KiB). */
export function readAuditHeadFromFile(path: string): AuditHead {
  if (!existsSync(path)) return { seq: 0, hash: GENESIS_HASH };
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, 65_536);
    const tail = Buffer.alloc(length);
    readSync(fd, tail, 0, length, size - length);
    const lines = tail.toString('utf8').trimEnd().split('\n');
    const last = lines[lines.length - 1];
    if (!last) return { seq: 0, hash: GENESIS_HASH };
    const entry = JSON.parse(last) as AuditEntry;
    return { seq: entry.seq, hash: entry.hash };
  } finally {
    closeSync(fd);
  }
}
