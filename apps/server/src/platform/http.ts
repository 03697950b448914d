import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, Locale } from '@zhengtong/contracts';
import { AppError, statusOfKind, type FieldProblem } from './errors.ts';
import { translateCacheError } from './cache/index.ts';
import { translateDbError } from './db/index.ts';
import { localeOf, t } from './i18n/locale.ts';

const PROBLEM_BASE = 'https://zhengtong.dev/problems/';

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: ErrorCode,
  fields: FieldProblem[] = [],
  retryAfterSeconds?: number,
) {
  const locale: Locale = localeOf(request.headers['accept-language']);
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(retryAfterSeconds));
  const title = t(code, locale);
  return reply
    .code(status)
    .type('application/problem+json; charset=utf-8')
    .send({
      type: PROBLEM_BASE + code,
      title,
      status,
      detail: describe(
        title,
        fields.map((f) => t(f.code, locale)),
        locale,
      ),
      code,
      ...(fields.length
        ? { errors: fields.map((f) => ({ path: f.path, code: f.code, message: t(f.code, locale) })) }
        : {}),
    });
}

/** A sentence a person can read: the title, then what is wrong with the fields (their paths are in `errors`). */
function describe(title: string, messages: string[], locale: Locale): string {
  const distinct = [...new Set(messages)].filter((m) => m !== title);
  if (!distinct.length) return title;
  return locale === 'zh-CN' ? `${title}：${distinct.join('；')}` : `${title}: ${distinct.join('; ')}`;
}

interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

function fieldOf(issue: AjvIssue, context: string | undefined): FieldProblem {
  const base = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const path =
    issue.keyword === 'required' ? [base, String(issue.params.missingProperty)].filter(Boolean).join('.') : base;
  const code: ErrorCode =
    issue.keyword === 'required'
      ? 'field.required'
      : issue.keyword === 'type'
        ? 'field.type'
        : issue.keyword === 'maxLength' || issue.keyword === 'maxItems'
          ? 'field.too_long'
          : issue.keyword === 'minLength' || issue.keyword === 'minItems'
            ? 'field.too_short'
            : issue.keyword === 'minimum' || issue.keyword === 'maximum'
              ? 'field.out_of_range'
              : issue.keyword === 'additionalProperties' || issue.keyword === 'const' || issue.keyword === 'enum'
                ? 'field.not_allowed'
                : 'field.format';
  const name =
    issue.keyword === 'additionalProperties'
      ? [path, String(issue.params.additionalProperty)].filter(Boolean).join('.')
      : path;
  return { path: [context, name].filter(Boolean).join('.') || (context ?? ''), code };
}

/** One place that turns any error into problem+json; 5xx details stay in the log. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError & { validationContext?: string }, request, reply) => {
    if (error instanceof AppError) {
      return sendProblem(
        reply,
        request,
        error.details.status ?? statusOfKind[error.kind],
        error.code,
        error.details.fields,
        error.details.retryAfterSeconds ?? (error.kind === 'too_many' || error.kind === 'unavailable' ? 1 : undefined),
      );
    }
    if (error.validation) {
      const seen = new Set<string>();
      const fields = (error.validation as AjvIssue[])
        .map((issue) => fieldOf(issue, error.validationContext))
        .filter((f) => (seen.has(f.path) ? false : (seen.add(f.path), true)));
      return sendProblem(reply, request, 400, 'request.invalid', fields);
    }
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendProblem(reply, request, 400, 'request.bad_json');
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendProblem(reply, request, 413, 'request.too_large');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return sendProblem(reply, request, 415, 'request.unsupported_media_type');
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        // The body does not match its declared length: a broken request, not an unknown format.
        return sendProblem(reply, request, 400, 'request.invalid');
    }
    if (error instanceof SyntaxError && error.statusCode === 400)
      return sendProblem(reply, request, 400, 'request.bad_json');
    if (error.statusCode === 429)
      return sendProblem(reply, request, 429, 'request.rate_limited', [], Number(reply.getHeader('retry-after')) || 60);
    const translated = translateDbError(error) ?? translateCacheError(error);
    if (translated) {
      if (translated.kind === 'unavailable') request.log.warn({ err: error }, 'backing service unavailable');
      return sendProblem(
        reply,
        request,
        statusOfKind[translated.kind],
        translated.code,
        [],
        translated.details.retryAfterSeconds,
      );
    }
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return sendProblem(reply, request, error.statusCode, 'request.invalid');
    }
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 500, 'server.internal');
  });
}

/**
 * Requests the HTTP parser itself rejects (a body shorter than its Content-Length, malformed
 * headers) never reach a route; they still get problem+json, in the default language.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: import('node:net').Socket) {
  if (error.code === 'ECONNRESET' || !socket.writable) return socket.destroy();
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW';
  const code: ErrorCode = tooLarge ? 'request.too_large' : 'request.invalid';
  const status = tooLarge ? 431 : 400;
  const title = t(code, 'zh-CN');
  const body = JSON.stringify({ type: PROBLEM_BASE + code, title, status, detail: title, code });
  socket.end(
    `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\n` +
      'Content-Type: application/problem+json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
