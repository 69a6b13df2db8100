/* Undo and redo drawn at once. The server keeps the history; the page remembers, for the
   span writes it made itself (mark, change of type, delete), what undoing and redoing each
   would draw, stamped with the set's version after it. An undo (or redo) is drawn only
   when nothing asked for before it still waits and the page's version is that stamp:
   nothing else changed the set since, so the server will revert exactly that write.
   Otherwise it is not drawn and simply waits for the server's answer, as before. */
import { codePoints } from "./offsets.js";
import { marksOf, setStateEl, state } from "./state.js";

const done = []; // {undo, redo, before, version, redoVersion}: what undo would revert next is last
const undone = []; // what redo would redo next is last

const version = () => setStateEl().dataset.version;

/* A stored mark as a write would draw it again: its type, looks and extent (code points). */
export function markAsDrawn(id) {
  const parts = marksOf(id);
  if (!parts.length) return null;
  const runs = Array.from(parts).flatMap((part) => Array.from(part.querySelectorAll("span[data-o]")));
  if (!runs.length) return null;
  const last = runs[runs.length - 1];
  return {
    id: String(id), type: parts[0].dataset.t, label: parts[0].dataset.label, colour: parts[0].dataset.colour,
    start: Number(runs[0].dataset.o), end: Number(last.dataset.o) + codePoints(last.textContent),
  };
}

/* The write that the queued undo or redo `write` will make, when it can be known now. */
export function historyDrawing(write) {
  if (state.queue.some((entry) => entry.kind && entry !== write)) return null;
  const top = (write.redo ? undone : done).slice(-1)[0];
  const stamp = top && (write.redo ? top.redoVersion : top.version);
  if (!top || String(stamp) !== version()) return null;
  return write.redo ? top.redo : top.undo;
}

/* A queued write was answered and stored: keep the stacks as the server's. `selected` is
   the span the answer selects (a new mark's id). */
export function confirmed(write, selected) {
  if (write.kind === "history") return confirmedHistory(write);
  undone.length = 0; // a new change: nothing left to redo
  const entry = entryFor(write, selected);
  if (!entry) {
    done.length = 0; // a change this page does not draw back (a role filled): undo waits for the server
    return;
  }
  entry.before = write.sentVersion;
  entry.version = version();
  done.push(entry);
}

function entryFor(write, selected) {
  if (write.kind === "create") {
    const now = selected && markAsDrawn(selected);
    return now ? { undo: { kind: "delete", id: now.id }, redo: { kind: "create", ...now } } : null;
  }
  if (write.kind === "retype" && write.before) {
    const after = { kind: "retype", id: write.id, type: write.type, label: write.label, colour: write.colour };
    return { undo: { kind: "retype", ...write.before }, redo: after };
  }
  if (write.kind === "delete" && write.before) {
    return { undo: { kind: "create", ...write.before }, redo: { kind: "delete", id: write.id } };
  }
  return null;
}

function confirmedHistory(write) {
  const [from, to] = write.redo ? [undone, done] : [done, undone];
  const entry = from.pop();
  if (!entry || String(write.redo ? entry.redoVersion : entry.version) !== String(write.sentVersion)) {
    // It reverted a change made elsewhere (another tab, a panel): the page no longer knows the stacks.
    done.length = 0;
    undone.length = 0;
    return;
  }
  const now = version();
  if (write.redo) {
    entry.version = now;
  } else {
    entry.redoVersion = now;
    // The set is back to what it was after the write below, if that one came right before.
    const below = done[done.length - 1];
    if (below && below.version === entry.before) below.version = now;
  }
  to.push(entry);
}
