/* Clicks, by the clicked element's data-action: one table instead of a chain of checks.
   A click in the text (on a mark, or beside the marks) is handled by activateInText,
   which Enter on a focused mark calls too. */
import { deleteEvent, fillRole, fillRoleWithSuggestion, openEvent, pickRole, removeArgument, selectEvent, setAttribute, applyEventType } from "./events.js";
import { createLink, deleteLink, pickLinkTarget, startLink } from "./links.js";
import { applyType, deleteSelected, history, selectSpan } from "./spans.js";
import { marksOf, state, sugData } from "./state.js";
import { acceptAll, decideSuggestion, focusSuggestion, setSuggestionsHidden, stepSuggestion } from "./suggestions.js";

const ACTIONS = {
  "mark-type": (el) => applyType(el.dataset.type),
  "event-type": (el) => applyEventType(el.dataset.type),
  "delete-mark": () => deleteSelected(),
  "accept-suggestion": () => decideSuggestion(true),
  "reject-suggestion": () => decideSuggestion(false),
  "accept-all": (el) => acceptAll(el.dataset.type),
  "step-suggestion": (el) => stepSuggestion(Number(el.dataset.step)),
  "delete-event": () => deleteEvent(),
  "undo": () => history(false),
  "redo": () => history(true),
  "start-link": () => startLink(),
  "link": (el) => createLink(el.dataset.type),
  "delete-link": (el) => deleteLink(el.dataset.rel),
  "remove-argument": (el) => removeArgument(el.dataset.arg),
  "set-attribute": (el) => setAttribute(el.dataset.key, el.dataset.value),
  "pick-role": (el) => pickRole(el.dataset.role),
  "open-event": (el) => openEvent(el.dataset.ev),
  "open-mark": (el) => openMark(el.dataset.id),
};

/* Buttons whose click must not take the focus: the text selection (and Enter meaning
   "accept") stay where they are. */
const KEEP_FOCUS = new Set([
  "mark-type", "event-type", "pick-role", "set-attribute",
  "accept-suggestion", "reject-suggestion", "accept-all", "step-suggestion",
]);

/* The span list's items are rendered by the server's span renderer without an action. */
const IMPLIED = [[".span-item", "open-mark"]];

function actionOf(target) {
  const el = target.closest("[data-action]");
  if (el && ACTIONS[el.dataset.action]) return [el, el.dataset.action];
  for (const [selector, action] of IMPLIED) {
    const implied = target.closest(selector);
    if (implied) return [implied, action];
  }
  return [null, null];
}

function openMark(id) {
  if (state.selectedEvent) selectEvent(null);
  selectSpan(id);
  const first = marksOf(id)[0];
  if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
}

/* A click (or Enter) on `target` in the text: a suggestion is focused unless a human
   mark under it is what a pending link or the open event's role wants. */
export function activateInText(target) {
  const suggestion = state.hideSuggestions ? null : target.closest("mark[data-sug]");
  const human = target.closest("mark[data-id]");
  if (suggestion && !state.linking && !(state.selectedEvent && human)) {
    // With an event's role active, a suggested entity fills it (accepted on the way), as a mark would.
    const data = sugData(suggestion.dataset.sug);
    if (state.selectedEvent && state.activeRole && data && data.kind === "entity") return fillRoleWithSuggestion(data.id);
    return focusSuggestion(suggestion.dataset.sug, false);
  }
  const mark = target.closest("mark[data-id], mark[data-ev]");
  if (mark && mark.dataset.ev) return selectEvent(mark.dataset.ev);
  if (state.linking && human) return pickLinkTarget(human.dataset.id);
  if (state.selectedEvent && human) return fillRole(human.dataset.id);
  if (state.selectedEvent && !human) return; // a click beside the marks keeps the event open
  return selectSpan(human ? human.dataset.id : null);
}

export function listenForActions(root) {
  root.addEventListener("mousedown", (event) => {
    const [, action] = actionOf(event.target);
    if (KEEP_FOCUS.has(action)) event.preventDefault();
  });
  root.addEventListener("click", (event) => {
    const [el, action] = actionOf(event.target);
    if (action) return ACTIONS[action](el, event);
    if (event.target.closest("#doc-text") && window.getSelection().isCollapsed) activateInText(event.target);
  });
  root.addEventListener("change", (event) => {
    if (event.target.matches('[data-action="show-suggestions"]')) setSuggestionsHidden(!event.target.checked);
  });
  root.addEventListener("submit", (event) => {
    const form = event.target.closest('[data-action="set-attribute-text"]');
    if (!form) return;
    event.preventDefault();
    setAttribute(form.dataset.key, form.elements.value.value);
  });
  // Tab inside the event panel: a focused slot (or a button in it) is the active role.
  root.addEventListener("focusin", (event) => {
    const slot = event.target.closest("#event-panel .slot[data-role]");
    if (slot) pickRole(slot.dataset.role);
  });
}
