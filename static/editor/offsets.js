/* A text selection → code-point offsets (Python str indices).

   Every run of text sits in an element with data-o = its start in code points.
   JavaScript strings are UTF-16, so inside a run we count code points with the string
   iterator (an emoji is one code point, two UTF-16 units). */

export function codePoints(s) {
  let n = 0;
  for (const _ of s) n++; // eslint-disable-line no-unused-vars
  return n;
}

/* A DOM boundary point → code-point offset into the document text. */
export function offsetOf(container, node, offset) {
  const whole = document.createRange();
  whole.selectNodeContents(container);
  const where = whole.comparePoint(node, offset);
  if (where < 0) return 0;
  if (where > 0) return Number(container.dataset.len);
  if (node.nodeType === Node.TEXT_NODE) {
    const run = node.parentElement.closest("[data-o]");
    if (run) return Number(run.dataset.o) + codePoints(node.data.slice(0, offset));
  }
  // A point between elements: the start of the first run at or after it (binary search).
  const runs = container.querySelectorAll("[data-o]");
  const point = document.createRange();
  point.setStart(node, offset);
  let lo = 0, hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (point.comparePoint(runs[mid], 0) < 0) lo = mid + 1; else hi = mid;
  }
  return lo < runs.length ? Number(runs[lo].dataset.o) : Number(container.dataset.len);
}

/* The selection inside `textEl` as {start, end, text}, or null. */
export function readSelection(textEl) {
  const sel = window.getSelection();
  if (!textEl || !sel.rangeCount || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!range.intersectsNode(textEl)) return null;
  const start = offsetOf(textEl, range.startContainer, range.startOffset);
  const end = offsetOf(textEl, range.endContainer, range.endOffset);
  return end > start ? { start, end, text: range.toString() } : null;
}

/* A code-point offset → a DOM boundary point [text node, UTF-16 index] inside `container`
   (offsetOf's inverse): in the last run starting at or before it. */
export function pointAt(container, at) {
  const runs = container.querySelectorAll("[data-o]");
  let lo = 0, hi = runs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Number(runs[mid].dataset.o) <= at) lo = mid + 1; else hi = mid;
  }
  const run = runs[lo - 1];
  const node = run && run.firstChild;
  if (!node || node.nodeType !== Node.TEXT_NODE) return null;
  let index = 0, left = at - Number(run.dataset.o);
  for (const ch of node.data) {
    if (left-- <= 0) break;
    index += ch.length;
  }
  return [node, index];
}

/* Select text[start:end] inside `textEl` (when the page's text was redrawn under a selection). */
export function selectOffsets(textEl, start, end) {
  const from = pointAt(textEl, start), to = pointAt(textEl, end);
  if (!from || !to) return;
  const range = document.createRange();
  range.setStart(...from);
  range.setEnd(...to);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
