/* Tawsim editor: a text selection becomes code-point offsets (offsets.js), a type key or
   a palette click sends it to the server with htmx (requests.js), and the server's
   partials replace the text, the lists, the event panel and the set's state (which
   carries the set version). A span write (create, change type, delete) is answered with
   less: the blocks of text it touched (span.blk, by id), its item in the span list, the
   count, the state and the message, out of band, and #editor-change (the span to select)
   as the main swap.

   Modules: state.js (what is selected, one object), offsets.js, requests.js (writes,
   refusals), actions.js (clicks by data-action), keys.js (shortcuts), focus.js (keyboard
   access to the marks), panel.js (what is selected, said in the side panel), spans.js,
   events.js, links.js, suggestions.js, arcs.js.

   Suggestion decisions answer 204 with `HX-Trigger: tawsim:refresh`: the editor then
   fetches its partials again. The knowledge-base and cluster panels announce the set's
   new version with `tawsim:version`; the version lives on #set-state (data-version, and
   data-set-version for those panels). */
import { listenForActions } from "./actions.js";
import { drawArcs } from "./arcs.js";
import { byId, paintColours } from "./dom.js";
import { showEvent } from "./events.js";
import { restoreFocus, trackFocus } from "./focus.js";
import { listenForKeys } from "./keys.js";
import { readSelection, selectOffsets } from "./offsets.js";
import { showInfo } from "./panel.js";
import {
  configureEditorHtmx, dropQueue, handleRefusals, reapplyLastWrite, refresh, runNext, sendSetVersionFromPanels, setVersion, settled,
} from "./requests.js";
import { selectSpan } from "./spans.js";
import { askAboutUndecided } from "./submit.js";
import { readAnnotations, root, state, textEl } from "./state.js";
import { resumeSuggestions, showSuggestionVisibility, unfocusSuggestion } from "./suggestions.js";

function openEventFromPanel() {
  const panel = byId("event-panel");
  state.selectedEvent = panel && panel.dataset.ev ? panel.dataset.ev : null;
}

/* After a change: the whole editor was redrawn (`whole`), or only a span write's parts
   (the annotations, the event panel and the suggestions are then as they were). */
function settle(select, whole) {
  // A drawn write let go of its selection when it was asked for: a selection now is the next one.
  const head = state.queue[0];
  const kept = head && head.kind && head.sent ? state.keptSelection : null;
  state.keptSelection = null;
  if (!kept) {
    window.getSelection().removeAllRanges();
    state.pending = null;
  }
  state.lastWrite = null; // it was applied: nothing left to re-apply
  state.inFlight = null;
  state.takenBack = [];
  // A refusal's message stays in view while what was asked for after it is stored.
  const box = byId("editor-messages");
  if (state.heldMessage && box && box !== state.heldMessage) box.replaceWith(state.heldMessage);
  if (whole) {
    readAnnotations();
    openEventFromPanel();
  }
  const detail = byId("span-detail");
  if (detail) detail.dataset.span = ""; // links may have changed: reload the mark's panel
  selectSpan(select || (state.selectedEvent ? null : state.selectedId));
  showEvent();
  state.busy = false; // normally released already, when the request's promise settled
  showSuggestionVisibility();
  resumeSuggestions();
  restoreFocus();
  // A span write's parts did not all fit the page (drawn before the server cut the
  // text differently): fetch the whole editor rather than show half a change.
  if (state.partMissing && !whole) refresh();
  state.partMissing = false;
  settled(select);
  // The answer redrew the blocks under that selection: select the same text again.
  if (kept && !readSelection(textEl())) selectOffsets(textEl(), kept.start, kept.end);
  runNext();
}

function listenForSelection() {
  // Alt held while drawing: the selection is taken exactly as drawn (no snapping to words).
  document.addEventListener("mousedown", (event) => { state.drawnExactly = event.altKey; });
  document.addEventListener("mouseup", (event) => { if (event.altKey) state.drawnExactly = true; });
  document.addEventListener("selectionchange", () => {
    const next = readSelection(textEl());
    if (next) {
      next.exact = state.drawnExactly;
      state.pending = next;
      unfocusSuggestion();
      if (state.selectedId) selectSpan(null); else showInfo();
    } else if (state.pending && window.getSelection().isCollapsed) {
      state.pending = null;
      showInfo();
    }
  });
}

function listenForAnswers() {
  /* htmx settles every element an answer swapped in: act once, on the main one. */
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    // Refused (the message box is the answer): taken back, if the refusal's event did not already.
    // Only for the write it answers: by now the next one may be on its way.
    if (target && target.id === "editor-messages" && event.detail.xhr) {
      dropQueue({ status: event.detail.xhr.status, xhr: event.detail.xhr });
    }
    const swapped = event.target;
    if (!textEl() || !target || swapped.id !== target.id) return;
    if (swapped.id === "doc-text") settle(swapped.dataset.select, true);
    else if (swapped.id === "editor-change") settle(swapped.dataset.select, false);
  });
  // A selection drawn while a drawn write was in flight is the next one: kept across its answer.
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const head = state.queue[0];
    if (event.target === root && head && head.kind && head.sent) state.keptSelection = readSelection(textEl());
  });
  document.body.addEventListener("htmx:oobErrorNoTarget", () => { state.partMissing = true; });
  handleRefusals({
    boxId: "editor-messages",
    onRefused: (detail) => {
      dropQueue(detail);
      state.resumeAt = null;
    },
    reload: () => { if (!state.busy) refresh(); },
    reapply: reapplyLastWrite,
  });
  // A post from elsewhere in the page (a side panel, Submit): its refusal is not about the last change sent.
  document.body.addEventListener("htmx:beforeRequest", (event) => {
    const config = event.detail.requestConfig || {};
    if (event.detail.elt !== root && config.verb === "post") state.lastWrite = null;
  });
  askAboutUndecided();
  // Suggestion decisions ask for a refresh.
  document.body.addEventListener("tawsim:refresh", () => {
    if (state.busy) state.refreshWanted = true; else refresh();
  });
  document.body.addEventListener("tawsim:version", (event) => {
    setVersion(Number((event.detail || {}).version));
  });
}

/* The sticky header's height, for the side column's top and for scrolling marks into
   view below it (editor.css reads --editor-top-h). */
function measureStickyTop() {
  const top = byId("editor-top");
  if (!top || !window.ResizeObserver) return;
  // The observer reports the first size too, after the page's first layout: reading
  // offsetHeight here would force that layout (the whole text) inside the start-up.
  new ResizeObserver(([entry]) => {
    const height = entry.borderBoxSize && entry.borderBoxSize[0] ? entry.borderBoxSize[0].blockSize : top.offsetHeight;
    document.documentElement.style.setProperty("--editor-top-h", height + "px");
  }).observe(top);
}

function listenForLayout() {
  measureStickyTop();
  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawArcs, 60);
  });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(drawArcs);
}

function start() {
  performance.mark("tawsim:editor-start");
  // A Content-Security-Policy without 'unsafe-inline' refuses the <style> htmx would add
  // (no page uses its indicator) and style="" written by setAttribute, which htmx does
  // when it carries an old element's style over to its replacement while settling.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.attributesToSettle = ["class", "width", "height"];
  configureEditorHtmx();
  htmx.onLoad(paintColours);
  paintColours(document.body);
  sendSetVersionFromPanels();
  listenForActions(root);
  listenForKeys();
  listenForSelection();
  listenForAnswers();
  listenForLayout();
  trackFocus();
  readAnnotations();
  openEventFromPanel();
  showEvent();
  showSuggestionVisibility();
  // Ready for the user: what the browser benchmark and tests wait for.
  document.documentElement.dataset.editorReady = "1";
  performance.mark("tawsim:editor-ready");
  document.dispatchEvent(new CustomEvent("tawsim:editor-ready"));
}

if (root && window.htmx) start();
