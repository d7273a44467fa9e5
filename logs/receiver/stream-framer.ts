/**
 * Cuts a TCP or TLS byte stream into syslog messages (RFC 6587): octet counting (`LEN SP MSG`, what
 * RFC 5425 requires and `logger --octet-count` sends) or newline framing (`MSG LF`, rsyslog's default),
 * told apart at the start of each frame as rsyslog does: a frame that starts with a digit 1–9 followed
 * by digits and a space is octet-counted, anything else runs to the next LF. At most `maxFrameBytes`
 * of a frame are held, copied into one buffer (never a list of the socket's chunks: a sender trickling
 * one byte per packet would make such a list cost far more than its bytes); the rest is discarded
 * and the frame marked oversized.
 */
export interface Frame {
  bytes: Buffer;
  oversized: boolean;
  truncated: boolean;
}

type State = 'start' | 'length' | 'octets' | 'line';

const LF = 0x0a;
const MAX_LENGTH_DIGITS = 9;

export class StreamFramer {
  private state: State = 'start';
  private frame: Buffer = Buffer.alloc(0);
  private held = 0;
  private overflowed = false;
  private lengthDigits = '';
  private remaining = 0;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly emit: (frame: Frame) => void,
  ) {}

  push(data: Buffer): void {
    let pos = 0;
    while (pos < data.length) {
      const byte = data[pos] as number;
      switch (this.state) {
        case 'start':
          if (byte === LF || byte === 0x0d || byte === 0x00 || byte === 0x20) pos++;
          else this.state = byte >= 0x31 && byte <= 0x39 ? 'length' : 'line';
          break;
        case 'length':
          pos = this.readLength(byte, pos);
          break;
        case 'octets':
          pos = this.readOctets(data, pos);
          break;
        case 'line':
          pos = this.readLine(data, pos);
          break;
      }
    }
  }

  /** The stream ended (closed, idle, error): a frame begun and not finished is truncated. */
  end(): void {
    if (this.state === 'length') this.hold(Buffer.from(this.lengthDigits, 'latin1'));
    if (this.held > 0 || this.overflowed) this.finish(true);
    this.state = 'start';
  }

  private readLength(byte: number, pos: number): number {
    if (byte >= 0x30 && byte <= 0x39 && this.lengthDigits.length < MAX_LENGTH_DIGITS) {
      this.lengthDigits += String.fromCharCode(byte);
      return pos + 1;
    }
    if (byte === 0x20) {
      this.remaining = Number(this.lengthDigits);
      this.lengthDigits = '';
      this.state = 'octets';
      return pos + 1;
    }
    // Digits that are no length: they begin a newline-framed message.
    this.hold(Buffer.from(this.lengthDigits, 'latin1'));
    this.lengthDigits = '';
    this.state = 'line';
    return pos;
  }

  private readOctets(data: Buffer, pos: number): number {
    const take = Math.min(this.remaining, data.length - pos);
    this.hold(data.subarray(pos, pos + take));
    this.remaining -= take;
    if (this.remaining === 0) this.finish(false);
    return pos + take;
  }

  private readLine(data: Buffer, pos: number): number {
    const lf = data.indexOf(LF, pos);
    this.hold(data.subarray(pos, lf < 0 ? data.length : lf));
    if (lf < 0) return data.length;
    this.finish(false);
    return lf + 1;
  }

  /** Keeps bytes up to the frame limit; beyond it they are counted as overflow and let go. */
  private hold(bytes: Buffer): void {
    const room = this.maxFrameBytes - this.held;
    if (bytes.length > room) this.overflowed = true;
    const keep = Math.min(bytes.length, Math.max(room, 0));
    if (keep === 0) return;
    if (this.held + keep > this.frame.length) {
      const size = Math.min(this.maxFrameBytes, Math.max(1024, 2 * (this.held + keep)));
      const grown = Buffer.allocUnsafe(size);
      this.frame.copy(grown, 0, 0, this.held);
      this.frame = grown;
    }
    bytes.copy(this.frame, this.held, 0, keep);
    this.held += keep;
  }

  private finish(truncated: boolean): void {
    const bytes = Buffer.from(this.frame.subarray(0, this.held));
    const frame = { bytes, oversized: this.overflowed, truncated };
    this.held = 0;
    this.overflowed = false;
    this.remaining = 0;
    this.state = 'start';
    if (frame.bytes.length > 0 || frame.oversized || truncated) this.emit(frame);
  }
}
