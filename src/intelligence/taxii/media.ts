/** The media types of TAXII 2.1 (section 1.6.8) and the checks of what a client accepts and sends. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
export const STIX_MEDIA_TYPE = 'application/stix+json;version=2.1';

/** A media type with its parameters, lowercased, spaces removed: `application/taxii+json;version=2.1`. */
function essence(mediaType: string): { type: string; version: string | undefined } {
  const [type = '', ...parameters] = mediaType.split(';').map((part) => part.trim().toLowerCase());
  const version = parameters.find((p) => p.startsWith('version='))?.slice('version='.length).replace(/"/g, '');
  return { type, version };
}

/** A TAXII media type of version 2.1, or with no version, which means the latest this server speaks. */
export function isTaxii21(mediaType: string | undefined): boolean {
  if (!mediaType) return false;
  const { type, version } = essence(mediaType);
  return type === 'application/taxii+json' && (version === undefined || version === '2.1');
}

/** Whether an Accept header lets the server answer in TAXII 2.1 (a list, with optional q-values). */
export function acceptsTaxii21(accept: string | undefined): boolean {
  return (accept ?? '').split(',').some((range) => isTaxii21(range.replace(/;\s*q=[0-9.]+/i, '')) && !/;\s*q=0(\.0*)?\s*(;|$)/i.test(range));
}
