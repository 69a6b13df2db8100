/* Keyboard access to the text's marks, and the focus kept across swaps.

   The text is one Tab stop (#doc-text). Inside it, ← and → move the focus from mark to
   mark in reading order (right to left: ← is the next mark), Home and End to the first
   and last; Enter or Space on a focused mark does what a click on it does. Each focused
   mark is announced (type and text) in a polite live region. After a change the server's
   partials replace the text or the event panel: the element that had the focus is found
   again in the new content and focused, so the keyboard does not fall back to the page. */
import { byId, element } from "./dom.js";
import { gettext, interpolate } from "./i18n.js";
import { root, state, textEl } from "./state.js";

const KINDS = ["data-id", "data-ev", "data-sug"]; // a mark's attribute, by kind

function kindOf(mark) {
  return KINDS.find((name) => mark.hasAttribute(name));
}

/* Focusable marks in reading order: the first part of each (a mark cut by a block
   boundary continues in a part marked "cont"); hidden suggestions are not stops. */
function stops() {
  const text = textEl();
  if (!text) return [];
  const selector = state.hideSuggestions ? "mark:not(.cont):not(.sug)" : "mark:not(.cont)";
  return Array.from(text.querySelectorAll(selector));
}

function partsOf(mark) {
  const kind = kindOf(mark);
  if (!kind) return [mark];
  return textEl().querySelectorAll("mark[" + kind + '="' + CSS.escape(mark.getAttribute(kind)) + '"]');
}

export function focusedMark() {
  const active = document.activeElement;
  const text = textEl();
  return active && text && active !== text && text.contains(active) && active.matches("mark") ? active : null;
}

function focusMark(mark) {
  mark.tabIndex = -1; // focusable by script, not a Tab stop of its own
  mark.focus();
  mark.scrollIntoView({ block: "nearest" });
  announce(describe(mark));
}

function describe(mark) {
  const text = Array.from(partsOf(mark), (m) => m.textContent).join("");
  const format = mark.hasAttribute("data-sug")
    ? gettext("Suggestion %(label)s: «%(text)s». Enter selects it.")
    : gettext("%(label)s: «%(text)s». Enter selects it.");
  return interpolate(format, { label: mark.dataset.label || mark.dataset.t || "", text }, true);
}

export function announce(message) {
  let live = byId("editor-announce");
  if (!live) {
    live = element("div", "visually-hidden");
    live.id = "editor-announce";
    live.setAttribute("role", "status");
    root.append(live);
  }
  live.textContent = message;
}

/* ← → Home End inside the text. Returns whether the key was taken. */
export function moveInText(event) {
  const text = textEl();
  if (!text || !text.contains(document.activeElement)) return false;
  const all = stops();
  if (!all.length) return false;
  const at = all.indexOf(focusedMark());
  let next;
  if (event.key === "ArrowLeft") next = at < 0 ? 0 : Math.min(at + 1, all.length - 1);
  else if (event.key === "ArrowRight") next = at < 0 ? 0 : Math.max(at - 1, 0);
  else if (event.key === "Home") next = 0;
  else if (event.key === "End") next = all.length - 1;
  else return false;
  focusMark(all[next]);
  return true;
}

/* What has the focus inside the editor, as a selector that finds it again after a swap. */
function selectorFor(el) {
  const text = textEl();
  if (el === text) return "#doc-text";
  if (el.matches("mark") && text && text.contains(el)) {
    const kind = kindOf(el);
    return kind ? "#doc-text mark[" + kind + '="' + CSS.escape(el.getAttribute(kind)) + '"]:not(.cont)' : "#doc-text";
  }
  if (el.matches(".slot[data-role]")) return '#event-panel .slot[data-role="' + CSS.escape(el.dataset.role) + '"]';
  return el.id ? "#" + CSS.escape(el.id) : null;
}

export function trackFocus() {
  root.addEventListener("focusin", (event) => { state.focusSelector = selectorFor(event.target); });
}

/* After a swap: if the focused element was replaced, focus its successor. */
export function restoreFocus() {
  const active = document.activeElement;
  if (!state.focusSelector || (active && active !== document.body && active.isConnected)) return;
  const el = document.querySelector(state.focusSelector) || (state.focusSelector.startsWith("#doc-text") ? textEl() : null);
  if (!el) return;
  if (el.matches("mark")) el.tabIndex = -1;
  el.focus({ preventScroll: true });
}
