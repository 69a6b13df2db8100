/* What the editor has selected and what it is waiting for: one object, read and written
   by every module (the server's partials hold everything else). */
import { byId } from "./dom.js";

export const root = byId("editor");

export const state = {
  pending: null, // {start, end, text, exact}: the current selection inside the text
  drawnExactly: false, // Alt was held while the selection was drawn: no snapping
  selectedId: null, // the selected mark's span id (a string)
  selectedEvent: null, // the event whose panel is open (its id, a string)
  activeRole: null, // the role slot of the selected event that clicks and keys fill
  linking: null, // a link in progress: {source, target} span ids
  annotations: { events: [], relations: [], suggestions: [] },
  busy: false, // one request at a time: a second one would carry a stale version
  keptSelection: null, // {start, end}: a selection made while a drawn write was in flight, kept across its answer
  queue: [], // what was asked for while busy, in order: actions and drawn writes (requests.js)
  runningQueued: false, // an action taken from the queue is running (its turn: it does not queue again)
  inFlight: null, // the request on its way: the queued write sent, or {} for another (requests.js)
  takenBack: [], // what a refusal took back besides the refused change, named for the message
  holdRefusal: false, // writes asked for after a refused one go on: keep its message in view...
  heldMessage: null, // ...this message box, put back after their answers until something new is asked for
  lastWrite: null, // the last change sent: {again, stillThere}, to re-apply it after a 409
  focusedSug: null, // the focused suggestion's id (a string)
  resumeAt: null, // after a decision: where to look for the next suggestion, what to say
  refreshWanted: false, // a tawsim:refresh arrived while a request was in flight
  partMissing: false, // an answer named a part the page lacks (see htmx:oobErrorNoTarget)
  hideSuggestions: storedFlag("tawsim.hideSuggestions"),
  focusSelector: undefined, // where the keyboard focus is in the editor, to restore after a swap
};

function storedFlag(name) {
  try {
    return window.localStorage.getItem(name) === "1";
  } catch (e) {
    return false; // storage refused (private mode): the default, shown
  }
}

export const textEl = () => byId("doc-text");
export const setStateEl = () => byId("set-state");

export function marksOf(id) {
  return textEl().querySelectorAll('mark[data-id="' + CSS.escape(String(id)) + '"]');
}

export function triggerOf(id) {
  return textEl().querySelectorAll('mark[data-ev="' + CSS.escape(String(id)) + '"]');
}

export function sugMarks(id) {
  return textEl().querySelectorAll('mark[data-sug="' + CSS.escape(String(id)) + '"]');
}

export function textOf(id) {
  return Array.from(marksOf(id), (m) => m.textContent).join("");
}

/* The events, relations and suggestions the server sends as JSON beside the text. */
export function readAnnotations() {
  const data = byId("ann-data");
  let read;
  try {
    read = JSON.parse(data ? data.dataset.json : "{}") || {};
  } catch (e) {
    read = {};
  }
  state.annotations = {
    events: read.events || [],
    relations: read.relations || [],
    suggestions: read.suggestions || [],
  };
}

export function eventData(id) {
  return state.annotations.events.find((e) => String(e.id) === String(id)) || null;
}

export function sugData(id) {
  return state.annotations.suggestions.find((s) => String(s.id) === String(id)) || null;
}

export function relationTypes() {
  const data = byId("relation-types");
  try {
    return JSON.parse(data ? data.textContent : "[]") || [];
  } catch (e) {
    return [];
  }
}
