/**
 * Spreadsheets run a cell that starts with = + - @, a tab or a carriage return as a formula (CSV injection).
 * Such cells get a leading apostrophe, which spreadsheets hide and Rapport's importer removes again.
 * @example safeCell('=HYPERLINK("http://evil")') // "'=HYPERLINK(\"http://evil\")"
 */
export function safeCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v);
  // a value that already starts with apostrophes before one of those gets one more, so the importer's removal
  // of one gives it back as it was
  return /^'*[=+\-@\t\r]/.test(s) ? `'${s}` : s;
}
