/* Marks (spans): select one, mark a selection with a type, change a mark's type, delete. */
import { drawArcs } from "./arcs.js";
import { byId } from "./dom.js";
import { gettext } from "./i18n.js";
import { showInfo } from "./panel.js";
import { later, say, send, urlFor } from "./requests.js";
import { marksOf, root, state, textEl } from "./state.js";
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
  state.pending = readSelection(textEl()) || state.pending;
  return state.pending;
}

export function applyType(type) {
  if (later(() => applyType(type))) return;
  const pending = takeSelection();
  if (state.selectedEvent && state.activeRole && pending) {
    send(urlFor(root.dataset.argumentUrl, state.selectedEvent), { role: state.activeRole, type, start: pending.start, end: pending.end });
  } else if (pending) {
    send(root.dataset.createUrl, { type, start: pending.start, end: pending.end });
  } else if (state.selectedId) {
    send(urlFor(root.dataset.typeUrl, state.selectedId), { type });
  } else if (state.selectedEvent) {
    say(gettext("Select the text that fills the role first, or click a mark."), "info");
  } else {
    say(gettext("Select some text first, then choose a type."), "info");
  }
}

export function deleteSelected() {
  if (later(deleteSelected)) return;
  if (state.selectedId) send(urlFor(root.dataset.deleteUrl, state.selectedId), {});
}

export function history(redo) {
  if (later(() => history(redo))) return;
  send(redo ? root.dataset.redoUrl : root.dataset.undoUrl, {});
}
