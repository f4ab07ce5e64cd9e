import type { NextFunction, Request, Response } from 'express';
import { MANAGER_USER } from '../auth/credentials';
import { requestKind } from './request-kind';

/**
 * BODY_LIMIT_BYTES bounds a request body (JSON or form): the largest real one, a policy, is
 * well under 1 kB. body-parser's own default, 100 kB, kept on purpose.
 */
export const BODY_LIMIT_BYTES = 100 * 1024;

/** BodyErrorAnswer is how an unreadable body is answered. */
export interface BodyErrorAnswer {
  status: number;
  code: string;
  message: string;
}

/** BodyParserError is the shape of the errors body-parser passes on (`type` names the cause). */
interface BodyParserError {
  status?: unknown;
  type?: unknown;
  message?: unknown;
}

/**
 * describeBodyError maps a body-parser error to its answer, or undefined for any other error.
 * Before issue #10 these fell through to a 500: a body over the limit, malformed JSON, an
 * unknown charset are the client's mistakes and get a 4xx saying which.
 */
export function describeBodyError(error: unknown): BodyErrorAnswer | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { status, type } = error as BodyParserError;
  if (typeof type !== 'string' || typeof status !== 'number' || status < 400 || status >= 500) {
    return undefined;
  }
  switch (type) {
    case 'entity.too.large':
      return {
        status: 413,
        code: 'too-large',
        message: `The request body is larger than ${BODY_LIMIT_BYTES / 1024} kB.`,
      };
    case 'parameters.too.many':
      return { status: 413, code: 'too-large', message: 'The form has too many fields.' };
    case 'entity.parse.failed':
      return {
        status: 400,
        code: 'invalid',
        message: 'The body is not valid JSON (an object is expected).',
      };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return {
        status: 415,
        code: 'unsupported-media-type',
        message: 'The body must be UTF-8 (no other charset or content encoding).',
      };
    default:
      return { status, code: 'invalid', message: 'The request body could not be read.' };
  }
}

/**
 * bodyErrorHandler is the Express error middleware placed right after the body parsers: JSON
 * `{ error, message }` on `/api` and `/live`, the error page for forms. Nothing else runs, so
 * nothing changes.
 */
export function bodyErrorHandler() {
  return (error: unknown, req: Request, res: Response, next: NextFunction): void => {
    const answer = describeBodyError(error);
    if (!answer) return next(error);
    if (requestKind(req) !== 'page') {
      res.status(answer.status).json({ error: answer.code, message: answer.message });
      return;
    }
    res.status(answer.status).render('error', {
      title: answer.status === 413 ? 'Too large' : 'Invalid input',
      status: answer.status,
      message: answer.message,
      loggedIn: req.session?.user === MANAGER_USER,
    });
  };
}
