/** CSV as RFC 4180 writes it, for the API's exports. */
export type Cell = string | number | null;

/** A field with a comma, a quote or a line break is quoted, its quotes doubled; null is an empty field. */
export function csvField(value: Cell): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** One record; lines end in CRLF. */
export const csvLine = (cells: readonly Cell[]) => `${cells.map(csvField).join(',')}\r\n`;
