/** Expected failures travel as values; the HTTP layer turns them into `{error:{code,message,field}}`. */
export interface Refusal {
  ok: false;
  status: 400 | 401 | 403 | 404 | 409 | 422 | 429;
  code: string;
  message: string;
  field?: string;
}
export type Outcome<T> = { ok: true; value: T } | Refusal;

export const refuse = (status: Refusal['status'], code: string, message: string, field?: string): Refusal =>
  field === undefined ? { ok: false, status, code, message } : { ok: false, status, code, message, field };
