import { pino, type Logger } from 'pino';

/**
 * Structured logs on standard output. Credentials never reach them: the paths below are
 * censored wherever a request, a reply or an error would carry them.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*.otp',
  '*.token',
  '*.secret',
];

export function createLogger(level: string, name: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, name, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } },
    destination ?? process.stdout,
  );
}
