import type { FastifyServerOptions } from 'fastify';

/** Keys whose values are personal data or secrets; the logger removes them wherever they appear. */
export const personalKeys = [
  'idNumber',
  'phone',
  'name',
  'address',
  'password',
  'code',
  'totp',
  'token',
  'secret',
  'csrfToken',
] as const;

const keyPattern = new RegExp(`([?&](?:${personalKeys.join('|')}|q)=)[^&]*`, 'gi');

/** Query strings may carry personal data (?idNumber=…); keep the parameter names, drop the values. */
export function redactUrl(url: string): string {
  return url.replace(keyPattern, '$1[redacted]');
}

export function loggerOptions(level: string): FastifyServerOptions['logger'] {
  const paths = [
    'req.headers.authorization',
    'req.headers.cookie',
    'req.headers["x-csrf-token"]',
    'res.headers["set-cookie"]',
    ...personalKeys.flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
  ];
  return {
    level,
    redact: { paths, censor: '[redacted]' },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
        method: req.method,
        url: redactUrl(req.url),
        id: req.id,
      }),
    },
  };
}
