/** The part of Hono's Context this needs (any route's context has it). */
interface Answering {
  res: Response;
  header(name: string, value: string): void;
}

/**
 * Sets a header on the answer a handler already made. Hono's `c.header` after the handler
 * re-creates the Response with its body as a stream, which sends every answer down
 * @hono/node-server's slow path (a web stream read per request: half the REST throughput); the
 * Response's own headers take the value in place. Some Responses (fetched ones) have immutable
 * headers: those go through `c.header`.
 */
export function setResponseHeader(c: Answering, name: string, value: string): void {
  try {
    c.res.headers.set(name, value);
  } catch {
    c.header(name, value);
  }
}
