/* Instant marks: a span write (create, change of type, delete) is drawn at once, before
   the server answers, on copies of the text blocks it touches (span.blk, by id). The
   server's answer replaces those blocks by id (the write is confirmed); a refusal puts
   the server's own blocks back, node for node (rolled back).

   A copy keeps every run (span[data-o]) and its text: a run that a new mark cuts is split
   into runs that each carry their own start, so offsets.js reads the same offsets from a
   copy as from the server's blocks. A provisional mark has the classes and attributes
   the server draws (mark.ent, data-t, data-label, --c; cont and last on parts), no
   data-id (the server gives it), and the class `pending`. */
import { arabic, byId, element, paintColours } from "./dom.js";
import { codePoints } from "./offsets.js";
import { marksOf, textEl } from "./state.js";
import { historyDrawing } from "./undo.js";

const originals = new Map(); // block id → the server's block, detached while its copy stands in
const copies = new Map(); // block id → the copy in the page
let focused = null; // what had the focus inside a block when it was copied

/* A write: {kind: "create"|"retype"|"delete"|"fill", ...}: create {start, end, type,
   label, colour, selection?}, retype {id, type, label, colour}, delete {id}, fill (an
   event's role) {event, role, roleLabel, text, span} (or suggestion) or, for text marked and put in the
   role in one step, {event, role, roleLabel, text, create: true, start, end, type, label,
   colour}. A fill is drawn on a copy of the event panel's slots (#event-slots: the filler
   in its slot) and of the blocks holding the mark (outlined as an argument, with the role's
   name), put back the same way. The writes waiting for their answer are state.queue's
   (requests.js). */

function blocks() {
  const text = textEl();
  return text ? Array.from(text.querySelectorAll(":scope > span.blk")) : [];
}

function startOf(block) {
  return Number(block.id.slice(4)); // "blk-N"
}

/* The blocks text[start:end] touches. */
function blocksOver(start, end) {
  const all = blocks();
  return all.filter((block, i) => {
    const lo = startOf(block);
    const hi = i + 1 < all.length ? startOf(all[i + 1]) : Number(textEl().dataset.len);
    return lo < end && hi > start;
  });
}

/* The node at the same place in `to` as `node` in `from` (by child indexes). */
function counterpart(from, node, to) {
  const path = [];
  for (let at = node; at !== from; at = at.parentNode) path.unshift(Array.prototype.indexOf.call(at.parentNode.childNodes, at));
  return path.reduce((at, index) => (at ? at.childNodes[index] : null), to);
}

function copyOf(block) { // a text block, or the event panel's slots (anything with an id)
  if (copies.get(block.id) === block) return block;
  const copy = block.cloneNode(true);
  originals.set(block.id, block);
  copies.set(block.id, copy);
  const active = document.activeElement;
  block.replaceWith(copy);
  if (active && active !== block && block.contains(active)) {
    // The focus (a mark reached with the arrow keys) moves to its copy, and back on a rollback.
    focused = active;
    const twin = counterpart(block, active, copy);
    if (twin && twin.focus) twin.focus({ preventScroll: true });
  }
  return copy;
}

/* Forget copies the server has replaced (its answer swapped in blocks with their ids). */
function prune() {
  for (const [id, copy] of copies) {
    if (!copy.isConnected) {
      copies.delete(id);
      originals.delete(id);
    }
  }
}

/* Put the server's blocks back in place of every copy. */
export function restore() {
  prune();
  for (const [id, copy] of copies) copy.replaceWith(originals.get(id));
  copies.clear();
  originals.clear();
  if (focused && focused.isConnected && document.activeElement === document.body) focused.focus({ preventScroll: true });
  focused = null;
}

/* Draw `writes` again on the page as it is now (after an answer replaced some blocks, or
   the whole text): the copies the answer did not replace are given back first. */
export function redraw(writes) {
  restore();
  writes.forEach(draw);
}

/* Draw one write; false (and nothing changed) when it cannot be drawn (or is not drawn:
   an undo or redo): it then simply waits. */
export function draw(write) {
  try {
    if (write.kind === "create") return Boolean(drawCreate(write));
    if (write.kind === "fill") return drawFill(write);
    if (write.kind === "history") {
      const change = historyDrawing(write); // an undo or redo: the change it will make, when known
      return change ? draw(change) : false;
    }
    if (write.kind === "retype" || write.kind === "delete") return drawChange(write);
    return false;
  } catch (error) {
    console.error(error); // eslint-disable-line no-console
    restore();
    return false;
  }
}

/* The type key as a short label where the name would clearly not fit over the mark's
   first part: the server's guess (annotate/editor/rendering.py short_label), made at
   once so that a drawn mark's label reads as the stored one will. */
const TEXT_CHAR_EM = 0.38, LABEL_CHAR_EM = 0.3, LABEL_PAD_EM = 0.5;

function labelFor(mark, write) {
  mark.title = write.label;
  if (mark.classList.contains("cont")) return;
  const key = write.type || "", label = write.label || "";
  const fits = codePoints(label) * LABEL_CHAR_EM + LABEL_PAD_EM <= codePoints(mark.textContent) * TEXT_CHAR_EM;
  if (key && codePoints(key) < codePoints(label) && !fits) mark.dataset.short = key;
  else delete mark.dataset.short;
}

function provisionalMark(write) {
  const mark = document.createElement("mark");
  mark.className = "ent pending";
  mark.dataset.t = write.type;
  mark.dataset.label = write.label;
  mark.dataset.colour = write.colour;
  mark.dataset.height = "0"; // raised by raiseAround once it holds its runs
  return mark;
}

/* The UTF-16 index of code point `n` in `s`. */
function indexOf(s, n) {
  let i = 0;
  for (const ch of s) {
    if (n-- <= 0) break;
    i += ch.length;
  }
  return i;
}

function run(start, text) {
  const el = document.createElement("span");
  el.dataset.o = String(start);
  el.textContent = text;
  return el;
}

/* Cut the run so that text[start:end] of it is a run of its own; returns that run or null. */
function cutRun(el, start, end) {
  const lo = Number(el.dataset.o);
  const text = el.textContent;
  const hi = lo + codePoints(text);
  if (lo >= end || hi <= start) return null;
  const a = Math.max(start, lo), b = Math.min(end, hi);
  const i = indexOf(text, a - lo), j = indexOf(text, b - lo);
  if (i > 0) el.before(run(lo, text.slice(0, i)));
  if (j < text.length) el.after(run(b, text.slice(j)));
  el.dataset.o = String(a);
  el.textContent = text.slice(i, j);
  return el;
}

/* The new mark's runs in one copied block, wrapped: in one mark when the runs can be
   (Range.surroundContents), else each piece in its own. Returns the marks made. */
function wrapRuns(block, write) {
  const runs = Array.from(block.querySelectorAll("span[data-o]"))
    .map((el) => cutRun(el, write.start, write.end))
    .filter(Boolean);
  if (!runs.length) return [];
  const whole = document.createRange();
  whole.setStartBefore(runs[0]);
  whole.setEndAfter(runs[runs.length - 1]);
  const mark = provisionalMark(write);
  try {
    whole.surroundContents(mark);
    return [mark];
  } catch (e) {
    // The selection crosses a mark's edge: one mark per piece, next siblings joined.
    const marks = [];
    for (const el of runs) {
      const last = marks[marks.length - 1];
      if (last && el.previousSibling === last) last.append(el);
      else {
        const piece = provisionalMark(write);
        el.before(piece);
        piece.append(el);
        marks.push(piece);
      }
    }
    return marks;
  }
}

function drawCreate(write) {
  const over = blocksOver(write.start, write.end);
  if (!over.length) return false;
  const marks = over.flatMap((block) => wrapRuns(copyOf(block), write));
  if (!marks.length) return false;
  marks.forEach((mark, i) => {
    if (i > 0) mark.classList.add("cont");
    labelFor(mark, write);
    paintColours(mark);
    raiseAround(mark);
  });
  marks[marks.length - 1].classList.add("last");
  return marks;
}

/* A role filled: its filler in the panel's slot, its mark outlined with the role's name. */
function drawFill(write) {
  const panel = byId("event-panel");
  const slots = byId("event-slots");
  const selector = '.slot[data-role="' + CSS.escape(write.role) + '"] .fillers';
  if (!panel || !slots || panel.dataset.ev !== String(write.event) || !slots.querySelector(selector)) return false;
  if (write.span && !marksOf(write.span).length) return false;
  const fillers = copyOf(slots).querySelector(selector);
  fillers.querySelectorAll(".empty").forEach((el) => el.remove());
  const filler = element("span", "filler pending");
  filler.append(arabic(write.text));
  fillers.append(filler);
  // (A suggestion accepted into the role: its filler alone, the mark comes with the answer.)
  const marks = write.create ? drawCreate(write) || [] : write.span ? markCopies(write.span) : [];
  marks.forEach((mark, i) => {
    mark.classList.add("arg");
    if (i === 0) mark.dataset.role = mark.dataset.role ? mark.dataset.role + "، " + write.roleLabel : write.roleLabel;
  });
  return true;
}

/* A stored mark's parts, in copies of their blocks. */
function markCopies(id) {
  const selector = 'mark[data-id="' + CSS.escape(String(id)) + '"]';
  return blocks().filter((block) => block.querySelector(selector))
    .flatMap((block) => Array.from(copyOf(block).querySelectorAll(selector)));
}

/* A mark's height: the levels of marks inside it (what the server sends as data-height). */
function heightOf(mark) {
  let height = 0;
  for (const inner of mark.querySelectorAll(":scope mark")) {
    let depth = 1;
    for (let up = inner.parentElement; up && up !== mark; up = up.parentElement) if (up.matches("mark")) depth++;
    height = Math.max(height, depth);
  }
  return height;
}

/* The new mark's height and its enclosing marks': labels stack by height (editor.css), so
   a mark drawn inside or around others takes its row at once, as the server will. */
function raiseAround(mark) {
  for (let el = mark; el; el = el.parentElement && el.parentElement.closest("mark")) {
    el.dataset.height = String(heightOf(el));
    paintColours(el);
  }
}

/* A change of type (recoloured, relabelled) or a delete (the marks unwrapped). */
function drawChange(write) {
  const selector = 'mark[data-id="' + CSS.escape(String(write.id)) + '"]';
  const over = blocks().filter((block) => block.querySelector(selector));
  if (!over.length) return false;
  for (const block of over) {
    for (const mark of copyOf(block).querySelectorAll(selector)) {
      if (write.kind === "delete") {
        mark.replaceWith(...mark.childNodes);
      } else {
        mark.classList.add("pending");
        mark.dataset.t = write.type;
        mark.dataset.label = write.label;
        mark.dataset.colour = write.colour;
        labelFor(mark, write);
        paintColours(mark);
      }
    }
  }
  return true;
}
