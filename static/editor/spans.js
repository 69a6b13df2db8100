/* Marks (spans): select one, mark a selection with a type, change a mark's type, delete. */
import { drawArcs } from "./arcs.js";
import { byId } from "./dom.js";
import { gettext } from "./i18n.js";
import { showInfo } from "./panel.js";
import { later, say, send, urlFor } from "./requests.js";
import { eventData, marksOf, root, state, textEl } from "./state.js";
import { readSelection } from "./offsets.js";
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
  htmx.ajax("GET", urlFor(root.dataset.spanPanelUrl, state.selectedId), { target: "#span-detail", swap: "innerHTML", source: root });
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

export function applyType(type) {
  if (later(() => applyType(type))) return;
  const pending = takeSelection();
  if (state.selectedEvent && state.activeRole && pending) {
    const event = state.selectedEvent;
    send(urlFor(root.dataset.argumentUrl, event), { role: state.activeRole, type, ...selectionValues(pending) }, () => Boolean(eventData(event)));
  } else if (pending) {
    send(root.dataset.createUrl, { type, ...selectionValues(pending) }, () => true);
  } else if (state.selectedId) {
    const id = state.selectedId;
    send(urlFor(root.dataset.typeUrl, id), { type }, () => marksOf(id).length > 0);
  } else if (state.selectedEvent) {
    say(gettext("Select the text that fills the role first, or click a mark."), "info");
  } else {
    say(gettext("Select some text first, then choose a type."), "info");
  }
}

export function deleteSelected() {
  if (later(deleteSelected)) return;
  const id = state.selectedId;
  if (id) send(urlFor(root.dataset.deleteUrl, id), {}, () => marksOf(id).length > 0);
}

export function history(redo) {
  if (later(() => history(redo))) return;
  send(redo ? root.dataset.redoUrl : root.dataset.undoUrl, {});
}
