import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { z, ZodError } from 'zod';
import { AppError, ERROR_CODES, isErrorCode, type ErrorCode } from '../errors.ts';
import { isDatabaseBusy, isDatabaseUnavailable } from '../db/unavailable.ts';

/** Fastify's own request errors, under codes that say what to fix. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'EMPTY_BODY',
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
};

/**
 * RFC 9457 problem details, with a stable `code` (one of the catalogue, src/platform/error-codes.ts) and the
 * failing field's JSON pointer. Registered as components.schemas.Problem: every operation's error answer.
 */
export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.enum(ERROR_CODES).describe('Stable and machine-readable: switch on this, not on the text'),
    detail: z.string().optional(),
    pointer: z.string().optional().describe('JSON pointer to the failing part of the request'),
    errors: z.array(z.object({ pointer: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .meta({ id: 'Problem', description: 'An error answer (application/problem+json, RFC 9457)' });
export type Problem = z.infer<typeof ProblemSchema>;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function sendProblem(reply: FastifyReply, p: Omit<Problem, 'type' | 'title'> & { title?: string }) {
  const body: Problem = { type: 'about:blank', title: p.title ?? TITLES[p.status] ?? 'Error', ...p };
  return reply.code(p.status).type('application/problem+json').send(body);
}

const toPointer = (path: readonly PropertyKey[]) =>
  '/' + path.map((s) => String(s).replaceAll('~', '~0').replaceAll('/', '~1')).join('/');

/** One mapping from every error to a problem response. Unknown errors are logged and answered generically. */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply) {
  const requestId = String(request.id);
  if (error instanceof AppError) {
    return sendProblem(reply, {
      status: error.status,
      code: error.code,
      detail: error.message,
      ...(error.pointer !== undefined && { pointer: error.pointer }),
      requestId,
    });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as { validationContext?: string }).validationContext ?? 'body';
    const errors = error.validation.map((v) => ({
      pointer: `/${where}${v.instancePath}`,
      message: v.message ?? 'invalid',
    }));
    const first = errors[0];
    return sendProblem(reply, {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: first ? `${first.pointer}: ${first.message}` : 'Invalid request',
      ...(first && { pointer: first.pointer }),
      errors,
      requestId,
    });
  }
  if (error instanceof ZodError) {
    const errors = error.issues.map((i) => ({ pointer: toPointer(i.path), message: i.message }));
    const first = errors[0];
    return sendProblem(reply, {
      status: 400,
      code: 'VALIDATION_FAILED',
      detail: first ? `${first.pointer}: ${first.message}` : 'Invalid input',
      ...(first && { pointer: first.pointer }),
      errors,
      requestId,
    });
  }
  const fe = error as FastifyError;
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    const code =
      fe.statusCode === 429
        ? 'RATE_LIMITED'
        : (FASTIFY_CODES[fe.code ?? ''] ?? (fe.code && isErrorCode(fe.code) ? fe.code : 'BAD_REQUEST'));
    return sendProblem(reply, { status: fe.statusCode, code, detail: fe.message, requestId });
  }
  if (isDatabaseBusy(error)) {
    request.log.warn({ err: error }, 'database busy');
    return sendProblem(reply.header('retry-after', '1'), {
      status: 503,
      code: 'DATABASE_BUSY',
      detail: 'The database is busy with other writes. Try again in a moment.',
      requestId,
    });
  }
  if (isDatabaseUnavailable(error)) {
    request.log.warn({ err: error }, 'database unavailable');
    return sendProblem(reply.header('retry-after', '1'), {
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      detail: 'The database could not be reached. Try again in a moment.',
      requestId,
    });
  }
  request.log.error({ err: error }, 'unhandled error');
  return sendProblem(reply, {
    status: 500,
    code: 'INTERNAL',
    detail: 'Something went wrong on our side. Quote the request id when reporting it.',
    requestId,
  });
}
