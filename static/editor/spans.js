/* Marks (spans): select one, mark a selection with a type, change a mark's type, delete. */
import { drawArcs } from "./arcs.js";
import { byId } from "./dom.js";
import { gettext } from "./i18n.js";
import { showInfo } from "./panel.js";
import { queueFill } from "./events.js";
import { later, queueWrite, say, urlFor } from "./requests.js";
import { marksOf, root, state, textEl, textOf } from "./state.js";
import { readSelection } from "./offsets.js";
import { markAsDrawn } from "./undo.js";
import { unfocusSuggestion } from "./suggestions.js";

export function selectSpan(id) {
  document.querySelectorAll("#doc-text .sel, #span-list .sel").forEach((el) => el.classList.remove("sel"));
  state.selectedId = id && marksOf(id).length ? String(id) : null;
  if (state.selectedId) {
    unfocusSuggestion();
    marksOf(state.selectedId).forEach((m) => m.classList.add("sel"));
    const item = document.querySelector('#span-list li[data-id="' + CSS.escape(state.selectedId) + '"]');
    if (item) {
      item.classList.add("sel");
      item.scrollIntoView({ block: "nearest" });
    }
  }
  loadSpanPanel();
  showInfo();
  drawArcs();
}

/* The selected mark's panel (its links, the knowledge base), fetched from the server. */
export function loadSpanPanel() {
  const detail = byId("span-detail");
  if (!detail) return;
  if (!state.selectedId || state.linking) {
    detail.replaceChildren();
    return;
  }
  if (detail.dataset.span === state.selectedId && detail.childElementCount) return;
  detail.dataset.span = state.selectedId;
  // Its own request (source): a panel that fails to load is not a refused write.
  htmx.ajax("GET", urlFor(root.dataset.spanPanelUrl, state.selectedId), { target: "#span-detail", swap: "innerHTML", source: detail });
}

export function clearAll() {
  window.getSelection().removeAllRanges();
  state.pending = null;
  state.linking = null;
  selectSpan(null);
}

/* Read the selection now: selectionchange is asynchronous and may not have fired yet. */
export function takeSelection() {
  const now = readSelection(textEl());
  if (now) now.exact = state.drawnExactly;
  state.pending = now || state.pending;
  return state.pending;
}

/* What a write sends of a selection: its offsets, and exact=1 if drawn with Alt held. */
export function selectionValues(pending) {
  return { start: pending.start, end: pending.end, exact: pending.exact ? "1" : "" };
}

/* An entity type's name and colour, as its palette button shows them. */
function looks(type) {
  const button = root.querySelector('.type-btn[data-type="' + CSS.escape(type) + '"]');
  if (!button) return { label: type, colour: "" };
  const name = button.querySelector(".name");
  return { label: (name || button).textContent.trim(), colour: button.dataset.colour || "" };
}

/* The range a selection was drawn with, as plain boundary points: given back if the mark
   is refused (the points stay valid, the server's blocks being put back untouched). */
function selectionPoints() {
  const sel = window.getSelection();
  if (!sel.rangeCount) return null;
  const range = sel.getRangeAt(0);
  return {
    startContainer: range.startContainer, startOffset: range.startOffset,
    endContainer: range.endContainer, endOffset: range.endOffset,
  };
}

/* Mark a selection: drawn at once (provisional.js), sent when the answers before it are in.
   The selection is taken now and let go: the next one can be drawn while this one is sent. */
function markSelection(type, pending) {
  const taken = { start: pending.start, end: pending.end, exact: pending.exact };
  queueWrite({
    kind: "create", type, ...looks(type), start: taken.start, end: taken.end, text: pending.text, selection: selectionPoints(),
    url: root.dataset.createUrl, values: { type, ...selectionValues(taken) },
    stillThere: () => true, again: () => markSelection(type, taken),
  });
  window.getSelection().removeAllRanges();
  state.pending = null;
}

function retypeMark(id, type) {
  queueWrite({
    kind: "retype", id, type, ...looks(type), text: textOf(id), before: markAsDrawn(id), url: urlFor(root.dataset.typeUrl, id), values: { type },
    stillThere: () => marksOf(id).length > 0, again: () => retypeMark(id, type),
  });
}

/* Text marked and put in the open event's active role in one step: drawn at once too. */
function markAndFill(type, pending) {
  const role = state.activeRole;
  queueFill({
    event: state.selectedEvent, role, text: pending.text, create: true, type, ...looks(type),
    start: pending.start, end: pending.end, selection: selectionPoints(),
    values: { role, type, ...selectionValues(pending) },
  });
  window.getSelection().removeAllRanges();
  state.pending = null;
}

export function applyType(type) {
  const pending = takeSelection();
  const filling = Boolean(state.selectedEvent && state.activeRole);
  // A selection is marked (and put in the active role) at once, even while an answer is awaited.
  if (pending) return filling ? markAndFill(type, pending) : markSelection(type, pending);
  if (later(() => applyType(type))) return;
  if (state.selectedId) {
    retypeMark(state.selectedId, type);
  } else if (state.selectedEvent) {
    say(gettext("Select the text that fills the role first, or click a mark."), "info");
  } else {
    say(gettext("Select some text first, then choose a type."), "info");
  }
}

function deleteMark(id) {
  queueWrite({
    kind: "delete", id, text: textOf(id), before: markAsDrawn(id), url: urlFor(root.dataset.deleteUrl, id), values: {},
    stillThere: () => marksOf(id).length > 0, again: () => deleteMark(id),
  });
}

export function deleteSelected() {
  if (later(deleteSelected)) return;
  if (state.selectedId) deleteMark(state.selectedId);
}

/* Undo and redo are writes in the queue: each runs in its turn, after the writes asked
   for before it (an undo asked for while a mark is being stored undoes that mark), and
   is drawn at once when the page knows what it will change (undo.js). */
export function history(redo) {
  queueWrite({ kind: "history", redo, url: redo ? root.dataset.redoUrl : root.dataset.undoUrl, values: {} });
}
