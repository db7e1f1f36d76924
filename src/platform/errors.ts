import type { ErrorCode } from './error-codes.ts';

export { ERROR_CODES, isErrorCode, type ErrorCode } from './error-codes.ts';

/**
 * The only error base. Domain code throws `new AppError('CUSTOMER_NOT_FOUND', 'No such customer', 404)`;
 * the HTTP layer maps it to application/problem+json with the code.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly pointer: string | undefined;

  constructor(code: ErrorCode, message: string, status = 400, pointer?: string) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.status = status;
    this.pointer = pointer;
  }
}

export const notFound = (code: ErrorCode, what: string) => new AppError(code, `${what} not found`, 404);
export const conflict = (code: ErrorCode, message: string) => new AppError(code, message, 409);
export const badInput = (code: ErrorCode, message: string, pointer?: string) =>
  new AppError(code, message, 400, pointer);
