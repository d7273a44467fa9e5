import { LineCounter, parseDocument, isNode, type Document } from 'yaml';

/** A parsed YAML file that can tell which line any field path came from. */
export class YamlSource {
  private constructor(
    readonly file: string,
    readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  static parse(file: string, text: string): YamlSource {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    return new YamlSource(file, doc, lines);
  }

  syntaxErrors(): Array<{ line: number; message: string }> {
    return this.doc.errors.map((error) => ({
      line: this.lines.linePos(error.pos[0]).line,
      message: error.message.split('\n')[0] ?? error.message,
    }));
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
