/**
 * `Content-Disposition` for a file given to be saved, never shown: the name as plain ASCII for old
 * clients (anything else, quotes and backslashes replaced) and as RFC 8187 UTF-8 for the others.
 */
export const attachmentDisposition = (name: string) => `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
