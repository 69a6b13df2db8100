/* Writes go to the server one at a time, with the set's version; the answer's partials
   replace the page's parts. Refusals follow one protocol: a refused htmx write answers
   a 4xx status (409: the set changed meanwhile) and the client event `tawsim:refused`
   (HX-Trigger) with {message, status, field?, version?}; that event is how a refusal is
   shown. htmx:responseError is the fallback: server errors (5xx), and 4xx answers that
   do not carry the event. */
import { byId, makeButton } from "./dom.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { draw, redraw, restore } from "./provisional.js";
import { root, setStateEl, state } from "./state.js";
import { confirmed } from "./undo.js";

export function say(message, level, boxId = "editor-messages") {
  const box = byId(boxId);
  if (!box) return null;
  box.className = "editor-messages " + (level || "info");
  box.textContent = message;
  return box;
}

/* Editor answers: 204 swaps nothing; a 4xx swaps only when the server retargeted it
   (to the message area); anything else is an error and swaps nothing. */
export function configureEditorHtmx() {
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: true },
    { code: "...", swap: false, error: true },
  ];
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 500 && !xhr.getResponseHeader("HX-Retarget")) event.detail.shouldSwap = false;
  });
  // Each editor request carries the write it sends: its answer's events, some of which
  // come after the next write is sent (a refusal's box settles later), act on it alone.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    if (event.detail.elt === root) event.detail.xhr.tawsimWrite = state.inFlight;
  });
}

function carriesRefusal(xhr) {
  return /tawsim:refused/.test(xhr.getResponseHeader("HX-Trigger") || "");
}

/* A stale-version refusal's way out: re-apply the change on the latest version when
   `reapply()` offers a function for it (the change's target still exists), else reload. */
function offerConflictChoice(box, reload, reapply) {
  box.querySelectorAll(".reload").forEach((el) => {
    if (el.previousSibling && el.previousSibling.nodeType === Node.TEXT_NODE) el.previousSibling.remove();
    el.remove();
  });
  const again = reapply ? reapply() : null;
  const button = again
    ? makeButton("link-button reload reapply", gettext("Re-apply my change"))
    : makeButton("link-button reload", gettext("Reload the latest version"));
  button.addEventListener("click", again || reload);
  box.append(" ", button);
}

/* Show refusals in the message box `boxId`. `onRefused(detail)` forgets what the page
   was about to do (detail.elt: the element whose request was refused); `reload()` fetches the latest version (offered on a 409), or
   `reapply()`, if given, returns a function that re-applies the refused change on it. */
export function handleRefusals({ boxId, onRefused, reload, reapply = null }) {
  document.body.addEventListener("tawsim:refused", (event) => {
    const detail = event.detail || {};
    onRefused({ ...detail, elt: event.target });
    const box = say(detail.message || gettext("The change was refused."), "error", boxId);
    if (box && Number(detail.status) === 409) offerConflictChoice(box, reload, reapply);
    noteTakenBack(box);
  });
  // The editor's refusal answer is its message box, swapped in after the event above
  // (htmx handles HX-Trigger first): offer the same choice in the box the server drew.
  document.body.addEventListener("htmx:afterSwap", () => {
    const box = byId(boxId);
    if (box && box.querySelector("a.reload")) offerConflictChoice(box, reload, reapply);
    if (box && box.classList.contains("error")) noteTakenBack(box);
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    const xhr = event.detail.xhr;
    const elt = event.detail.elt;
    // A side panel that reads a mark deleted meanwhile is answered 404: no change was refused.
    if ((event.detail.requestConfig || {}).verb === "get" && elt !== root) return;
    // The changes asked for after it may still be stored: the words speak of this one alone.
    if (xhr.status >= 500) {
      onRefused({ status: xhr.status, elt, xhr });
      noteTakenBack(say(interpolate(gettext("The server could not save this change (HTTP %s): it was not saved."), [xhr.status]), "error", boxId));
    } else if (!carriesRefusal(xhr) && !xhr.getResponseHeader("HX-Retarget")) {
      onRefused({ status: xhr.status, elt, xhr });
      noteTakenBack(say(interpolate(gettext("The change was refused (HTTP %s): it was not saved."), [xhr.status]), "error", boxId));
    }
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    onRefused({ elt: event.detail.elt, xhr: event.detail.xhr });
    noteTakenBack(say(gettext("The server could not be reached. Your change was not saved."), "error", boxId));
  });
}

/* After a refusal's message: what was taken back with the refused change, each named. */
function noteTakenBack(box) {
  if (!box || !state.takenBack.length || box.querySelector(".taken-back")) return;
  const count = state.takenBack.length;
  const note = document.createElement("span");
  note.className = "taken-back";
  note.textContent = " " + interpolate(
    ngettext("%(count)s change asked for after it was taken back too: %(list)s.",
      "%(count)s changes asked for after it were taken back too: %(list)s.", count),
    { count, list: state.takenBack.join("، ") }, true);
  box.append(note);
}

export function urlFor(template, id) {
  // Templates are reversed with id 0 ("/spans/0/type/"): put the real id in its place.
  return template.replace("/0/", "/" + encodeURIComponent(id) + "/");
}

export function lockedSay() {
  if (!setStateEl().dataset.locked) return false;
  say(gettext("This document is submitted: reopen it to make changes."), "error");
  return true;
}

/* One request at a time. What is asked for meanwhile waits in `state.queue`, in order:
   actions, each run when its turn comes (reading the page then), and writes drawn at once
   (provisional.js), each sent in turn with the version the answer before it brought. An
   undo asked for between two marks undoes the first, never the second. */
export function later(action) {
  if (!state.runningQueued) state.heldMessage = null; // asked for now: a refusal's message may go
  // An action whose turn has come (runNext) runs now, even with writes queued behind it.
  if (state.runningQueued || (!state.busy && !state.queue.length)) return false;
  state.queue.push({ run: action });
  return true;
}

/* A write drawn at once: {kind, url, values, stillThere, again, ...} (see provisional.js);
   an undo or redo is a write too ({kind: "history"}), in its turn. It waits for the
   answers before it; if it cannot be drawn, it waits all the same. */
export function queueWrite(write) {
  if (lockedSay()) return;
  state.heldMessage = null;
  draw(write);
  state.queue.push(write);
  // Sent once the mark is painted: building and sending the request does not delay the
  // frame. Meanwhile the queue is not empty, so whatever else is asked for waits behind it.
  requestAnimationFrame(() => setTimeout(runNext, 0));
  setTimeout(runNext, 100); // a hidden page gets no animation frames
}

/* The answer in flight has settled: confirm its drawn write, then run what waits, in order. */
export function runNext() {
  if (state.holdRefusal && !state.busy && state.queue.length) {
    // What follows a refusal goes on: its message stays in view over their answers' (settle).
    state.holdRefusal = false;
    state.heldMessage = byId("editor-messages");
  }
  while (!state.busy && state.queue.length) {
    // The latest version is fetched: its request lets go before its answer settles (settle()).
    if (state.inFlight && state.inFlight.refresh) return;
    const next = state.queue[0];
    if (next.kind) {
      if (next.sent) return; // answered, not settled yet (see settled())
      next.sent = true;
      next.sentVersion = setStateEl().dataset.version;
      if (!send(next.url, { ...next.values }, next.stillThere, next.again, next)) takeBackAll();
      return;
    }
    state.queue.shift();
    state.runningQueued = true;
    try {
      next.run();
    } finally {
      state.runningQueued = false;
    }
  }
}

/* An answer to a write was swapped in: its drawn copy is gone (or put back), the writes
   still waiting are drawn again on the new text. */
export function settled(selected) {
  const head = state.queue[0];
  if (head && head.kind && head.sent) {
    state.queue.shift();
    confirmed(head, selected);
  }
  redraw(state.queue.filter((entry) => entry.kind));
}

/* A request was refused or got no answer (`detail.status`: 409 the set changed
   elsewhere, another 4xx a rule, 5xx a server error, none the server could not be
   reached). The refused write alone is taken back, its selection given back: the writes
   asked for after it do not rest on it (a mark is its offsets, a change names a stored
   mark), so they stay drawn and are sent in turn, on the latest version once it is
   fetched when the page is stale (409). Taken back with it, and named in the message:
   an undo or redo asked for after it (it was meant to act after the refused change), and
   everything when the server could not be reached. `detail.xhr`, when given: the
   refused request, which must be the one in flight (the message box of a refusal
   already handled settles after the next write is sent). */
export function dropQueue(detail = {}) {
  // A side panel's own request (the knowledge base, a cluster) is not one of the editor's writes.
  if (detail.elt && detail.elt !== root && detail.elt !== document.body) return;
  if (detail.xhr && detail.xhr.tawsimWrite !== state.inFlight) return;
  const failed = state.inFlight;
  state.inFlight = null;
  if (!failed) return; // handled already: a refusal's event comes before its message box
  const status = Number(detail.status) || 0;
  if (!status) return takeBackAll(failed);
  if (state.queue[0] === failed) state.queue.shift();
  const lost = state.queue.filter((entry) => entry.kind === "history");
  const kept = state.queue.filter((entry) => entry.kind !== "history");
  state.queue.length = 0;
  if (status === 409 && kept.length) state.queue.push({ run: () => refresh() });
  state.queue.push(...kept);
  state.takenBack = lost.map(describe);
  restore();
  redraw(kept.filter((entry) => entry.kind));
  giveBackSelection(failed);
  state.holdRefusal = kept.length > 0;
  setTimeout(runNext, 0); // once the refused request has let go (state.busy)
}

/* Everything asked for is taken back (the server cannot be reached, or the set is locked). */
function takeBackAll(failed = state.queue[0]) {
  const lost = state.queue.filter((entry) => entry !== failed && entry.kind);
  state.queue.length = 0;
  state.takenBack = lost.map(describe);
  restore();
  giveBackSelection(failed);
}

/* A queued change, in a few words for a message. */
function describe(entry) {
  if (entry.kind === "history") return entry.redo ? gettext("redo") : gettext("undo");
  const text = entry.text ? "«" + entry.text + "»" : "";
  if (entry.kind === "delete") return interpolate(gettext("deleting %s"), [text]);
  return (entry.label || entry.type || "") + " " + text;
}

/* The refused mark's selection, given back (its nodes are the server's, back in the page). */
function giveBackSelection(write) {
  const sel = write && write.selection;
  const now = window.getSelection();
  if (!sel || !sel.startContainer.isConnected || !sel.endContainer.isConnected) return;
  if (now.rangeCount && !now.isCollapsed) return;
  const range = document.createRange();
  range.setStart(sel.startContainer, sel.startOffset);
  range.setEnd(sel.endContainer, sel.endOffset);
  now.removeAllRanges();
  now.addRange(range);
}

/* POST a change; the answer replaces the editor's partials (or a span write's parts).
   `stillThere()`, when given, says whether what the change is about still exists: if
   the change is refused as stale (409), it can then be re-applied on the latest version
   (by `again()`, or by sending it again). Returns whether it was sent. */
export function send(url, values, stillThere = null, again = null, queued = null) {
  if (state.busy || lockedSay()) return false;
  const asked = { ...values };
  state.lastWrite = stillThere ? { again: again || (() => send(url, { ...asked }, stillThere)), stillThere } : null;
  state.busy = true;
  state.inFlight = queued || {};
  values.version = setStateEl().dataset.version;
  values.event = state.selectedEvent || "";
  htmx
    .ajax("POST", url, {
      source: root,
      target: "#doc-text",
      swap: "outerHTML",
      values,
      headers: { "X-CSRFToken": root.dataset.csrf },
    })
    .finally(() => {
      state.busy = false;
      setTimeout(runNext, 0); // after a refusal (an answer runs what waits once it settles)
    });
  return true;
}

/* POST a suggestion decision. The answer is 204 + tawsim:refresh (then the partials are
   fetched again and the next suggestion focused) or a refusal (tawsim:refused). */
export function decide(url, values, resume, stillThere = null) {
  if (lockedSay()) return;
  const asked = { ...values };
  state.lastWrite = stillThere ? { again: () => decide(url, { ...asked }, resume, stillThere), stillThere } : null;
  state.busy = true;
  state.inFlight = {};
  state.resumeAt = resume;
  values.version = setStateEl().dataset.version;
  htmx
    .ajax("POST", url, { source: root, swap: "none", values, headers: { "X-CSRFToken": root.dataset.csrf } })
    .finally(() => {
      state.busy = false;
      if (state.refreshWanted) refresh();
    });
}

/* GET the editor's partials (text, lists, suggestions, set state and version), with
   `eventId` (default: the open event) selected. */
export function refresh(eventId = state.selectedEvent) {
  state.refreshWanted = false;
  state.busy = true;
  state.inFlight = { refresh: true };
  const query = eventId ? "?event=" + encodeURIComponent(eventId) : "";
  return htmx
    .ajax("GET", root.dataset.editorUrl + query, { source: root, target: "#doc-text", swap: "outerHTML" })
    .finally(() => { state.busy = false; });
}

/* After a stale-version refusal: the function that fetches the latest version and
   sends the refused change again if its target is still there, or null. */
export function reapplyLastWrite() {
  const write = state.lastWrite;
  if (!write) return null;
  return () => {
    state.lastWrite = null;
    // In its turn, like any change: a write on its way is answered first.
    state.queue.push({ run: () => refresh() }, {
      run: () => {
        if (write.stillThere()) write.again();
        else say(gettext("What your change was about is gone from the latest version: nothing was re-applied."), "error");
      },
    });
    runNext();
  };
}

/* The set's version moved on elsewhere (a knowledge-base or cluster panel). */
export function setVersion(version) {
  const el = setStateEl();
  if (!el || !Number.isInteger(version) || version <= Number(el.dataset.version)) return;
  el.dataset.version = String(version);
  el.dataset.setVersion = String(version);
  el.querySelectorAll('input[name="version"]').forEach((input) => { input.value = String(version); });
}

/* The knowledge-base and cluster panels post with the set's current version: the page's
   panels carry data-sends-set-version (was an inline hx-on handler, which a strict
   Content-Security-Policy refuses). */
export function sendSetVersionFromPanels() {
  document.body.addEventListener("htmx:configRequest", (event) => {
    const panel = event.detail.elt.closest && event.detail.elt.closest("[data-sends-set-version]");
    if (!panel || event.detail.verb !== "post") return;
    const el = document.querySelector("[data-set-version]") || setStateEl();
    if (el) event.detail.parameters.version = el.dataset.setVersion || el.dataset.version;
  });
}
