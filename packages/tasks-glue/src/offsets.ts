/**
 * Character offsets written by Python tools (SQuAD's answer_start, ReCoRD's
 * entity spans, MRQA's char_spans) count code points; JavaScript strings index
 * UTF-16 units. They differ after any character outside the BMP (emoji).
 */
export function codePointToUtf16(text: string): (offset: number) => number {
  if (!/[\ud800-\udfff]/.test(text)) return (offset) => offset;
  const starts: number[] = [];
  let i = 0;
  for (const ch of text) {
    starts.push(i);
    i += ch.length;
  }
  starts.push(i);
  return (offset) => (offset >= 0 && offset < starts.length ? starts[offset] : offset);
}
