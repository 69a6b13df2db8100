/* Keyboard shortcuts. They are matched by event.code (the physical key), so they work
   with an Arabic layout too. Tab and Shift+Tab are left to the browser.

   Modes, by what is selected:
   - nothing or a text selection: type keys mark it; event type keys make it a trigger;
   - a mark: type keys change it, Delete deletes it, l starts a link to another mark;
   - an event (its panel open): ' and ; move to the next and previous role, a type key
     on a selection (or Enter on a mark) fills the active role, Delete clears it,
     attribute keys (a r d p h) set factuality, Esc closes it;
   - a suggestion: Enter accepts it, Delete (or x) rejects it;
   and from anywhere: ] [ step through events, . , through suggestions, ← → through the
   marks while the text has the focus (Enter or Space selects the focused one). */
import { activateInText } from "./actions.js";
import { byId, typing } from "./dom.js";
import { applyEventType, clearRole, cycleRole, selectEvent, setAttribute, stepEvent } from "./events.js";
import { focusedMark, moveInText } from "./focus.js";
import { cancelLink, linkByNumber, startLink } from "./links.js";
import { showInfo } from "./panel.js";
import { applyType, clearAll, deleteSelected, history } from "./spans.js";
import { marksOf, root, state, textEl } from "./state.js";
import { decideSuggestion, stepSuggestion, unfocusSuggestion } from "./suggestions.js";

function shortcutCode(key) {
  if (/^[0-9]$/.test(key)) return ["Digit" + key, "Numpad" + key];
  if (/^[a-z]$/i.test(key)) return ["Key" + key.toUpperCase()];
  return [];
}

export function matches(event, key) {
  return Boolean(key) && (event.key.toLowerCase() === key.toLowerCase() || shortcutCode(key).includes(event.code));
}

function buttonForKey(event, selector, attribute) {
  for (const button of root.querySelectorAll(selector)) {
    if (matches(event, button.dataset[attribute])) return button;
  }
  return null;
}

function extendSelection(event) {
  const sel = window.getSelection();
  const el = textEl();
  if (!sel.rangeCount || !el.contains(sel.anchorNode)) {
    // No caret in the text yet: start at the focused mark, the selected one, or the text's start.
    const from = focusedMark() || (state.selectedId && marksOf(state.selectedId)[0]) || el;
    const first = from.querySelector("[data-o]") || from;
    sel.collapse(first.firstChild || first, 0);
  }
  const direction = event.key === "ArrowLeft" ? "left" : "right";
  sel.modify("extend", direction, event.ctrlKey ? "word" : "character");
}

/* Enter or Space on a focused mark: what a click on it does. Enter on the suggestion that
   is already focused is left to suggestionKey (accept). */
function markKey(event) {
  const mark = focusedMark();
  if (!mark || (event.key !== "Enter" && event.key !== " ")) return false;
  if (event.key === "Enter" && state.focusedSug && mark.dataset.sug === state.focusedSug) return false;
  activateInText(mark);
  return true;
}

/* Keys that only mean something while a suggestion is focused. */
function suggestionKey(event) {
  if (event.key === "Enter") {
    decideSuggestion(true);
    return true;
  }
  if (event.key === "Delete" || event.key === "Backspace" || event.code === "KeyX") {
    decideSuggestion(false);
    return true;
  }
  if (event.key === "Escape") {
    unfocusSuggestion();
    showInfo();
    return true;
  }
  return false;
}

/* Keys that only mean something while an event is open. */
function eventKey(event) {
  if (event.code === "Quote" || event.code === "Semicolon") {
    cycleRole(event.code === "Quote" ? 1 : -1);
    return true;
  }
  if (event.key === "Delete" || event.key === "Backspace") {
    clearRole();
    return true;
  }
  if (event.key === "Escape") {
    selectEvent(null);
    return true;
  }
  const attr = buttonForKey(event, "#event-panel .attr-btn[data-short]", "short");
  if (attr) {
    setAttribute(attr.dataset.key, attr.dataset.value);
    return true;
  }
  return false;
}

/* While a link waits for its target and relation: Esc cancels, a number picks the
   relation; other printable keys do nothing (a type key would change the source). */
function linkKey(event) {
  if (event.key === "Escape") {
    cancelLink();
    return true;
  }
  if (/^Digit[1-9]$|^Numpad[1-9]$/.test(event.code)) {
    if (state.linking.target) linkByNumber(Number(event.code.slice(-1)));
    return true;
  }
  return event.key.length === 1 || event.key === "Delete" || event.key === "Backspace";
}

/* Keys that do not depend on the mode. */
function commonKey(event) {
  if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.code === "KeyZ" || event.code === "KeyY")) {
    history(event.code === "KeyY" || event.shiftKey);
    return true;
  }
  const arrow = event.key === "ArrowLeft" || event.key === "ArrowRight";
  if (event.altKey && arrow && !event.shiftKey) {
    // Reading right to left: the next document lies to the left.
    const link = byId(event.key === "ArrowLeft" ? "doc-next" : "doc-prev");
    if (link) window.location.href = link.href;
    return true;
  }
  if (event.shiftKey && arrow && !event.altKey && !event.metaKey) {
    extendSelection(event);
    return true;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if ((!event.shiftKey && moveInText(event)) || markKey(event)) return true;
  if (event.code === "BracketRight" || event.code === "BracketLeft") {
    stepEvent(event.code === "BracketRight" ? 1 : -1);
    return true;
  }
  return false;
}

function modeKey(event) {
  if (state.linking) return linkKey(event);
  if (event.code === "Period" || event.code === "Comma" || event.key === "." || event.key === ",") {
    stepSuggestion(event.code === "Period" || event.key === "." ? 1 : -1);
    return true;
  }
  if (state.focusedSug && suggestionKey(event)) return true;
  if (state.selectedEvent && eventKey(event)) return true;
  if (event.key === "Escape") {
    clearAll();
    return false; // Esc also reaches the browser (it closes nothing of ours)
  }
  if (event.key === "Delete" || event.key === "Backspace") {
    if (!state.selectedId) return false;
    deleteSelected();
    return true;
  }
  if (state.selectedId && !state.pending && event.code === "KeyL") {
    startLink();
    return true;
  }
  const type = buttonForKey(event, ".type-btn[data-key]", "key");
  if (type) {
    applyType(type.dataset.type);
    return true;
  }
  const eventType = buttonForKey(event, ".event-type-btn[data-key]", "key");
  if (eventType) {
    applyEventType(eventType.dataset.type);
    return true;
  }
  return false;
}

export function listenForKeys() {
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typing(event.target) || event.key === "Tab") return;
    // Enter (or Space) on a focused button or link is its click, not "accept".
    if ((event.key === "Enter" || event.key === " ") && event.target.closest && event.target.closest("button, a, summary")) return;
    if (commonKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (modeKey(event)) event.preventDefault();
  });
}
