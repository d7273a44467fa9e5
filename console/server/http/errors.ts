import type { ApiError } from '../../shared';
import type { Outcome, Refusal } from '../identity';

/** An expected HTTP failure: a status, a stable code, a human message and the field it concerns. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }

  static from(refusal: Refusal): ApiFailure {
    return new ApiFailure(refusal.status, refusal.code, refusal.message, refusal.field);
  }

  body(): ApiError {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field === undefined ? {} : { field: this.field }),
      },
    };
  }
}

export function unwrap<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw ApiFailure.from(outcome);
  return outcome.value;
}

export const notFound = (what: string): ApiFailure => new ApiFailure(404, 'not_found', `${what} not found`);
