const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

/**
 * JSON that is safe inside `<script type="application/json">`: every `<`, `>` and `&`
 * (which only occur inside JSON strings) is written as a `\u` escape, so no `</script>`
 * or `<!--` can appear in it, and U+2028/U+2029 are escaped too. `JSON.parse` of the
 * element's text gives back the value exactly.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
