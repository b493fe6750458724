const replacements: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for HTML element content and quoted attribute values (SVG `<title>` included). Every string
 * the report shows goes through it: error messages and series names come from sources and catalogs, so
 * they may hold markup.
 */
export function escapeHtml(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (character) => replacements[character] ?? character);
}
