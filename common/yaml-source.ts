import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';

/** A parsed YAML file that can tell which line any field path came from. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
    private readonly aliasError: { line: number; message: string } | null,
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new YamlSource(file, doc, lines, doc.errors.length === 0 ? aliasError(doc, lines) : null);
  }

  /** Parse errors, and an alias that does not resolve or expands too far (what `toJS()` would throw). */
  syntaxErrors(): Array<{ line: number; message: string }> {
    const errors = this.doc.errors.map((error) => ({
      line: this.lines.linePos(error.pos[0]).line,
      message: error.message.split('\n')[0] ?? error.message,
    }));
    return this.aliasError === null ? errors : [...errors, this.aliasError];
  }

  /** The line of the deepest existing node along the path (the field itself, or its parent object). */
  lineOf(path: ReadonlyArray<PropertyKey>): number {
    for (let depth = path.length; depth >= 0; depth--) {
      const keys = path.slice(0, depth).map((key) => (typeof key === 'symbol' ? String(key) : key));
      const node: unknown = this.doc.getIn(keys, true);
      if (isNode(node) && node.range) return this.lines.linePos(node.range[0]).line;
    }
    return 1;
  }
}

/** toJS() throws on an unresolved alias or an alias bomb: found here, reported at the first alias. */
function aliasError(doc: Document.Parsed, lines: LineCounter): { line: number; message: string } | null {
  try {
    doc.toJS();
    return null;
  } catch (error) {
    let offset = 0;
    visit(doc, {
      Alias(_key, node) {
        offset = node.range?.[0] ?? 0;
        return visit.BREAK;
      },
    });
    const message = error instanceof Error ? error.message : String(error);
    return { line: lines.linePos(offset).line, message: message.split('\n')[0] ?? message };
  }
}
