/* Events: the open event's panel (served by the server), its role slots, the marks of
   its trigger and arguments in the text, and the writes that change it.

   The active role is the slot that a click on a mark, or a type key on a selection,
   fills. ' and ; move it to the next and previous slot from anywhere; the slots are
   focusable too, so Tab walks through them inside the panel (a focused slot is the
   active one) and goes on out of it: Tab is never taken from the browser. */
import { drawArcs } from "./arcs.js";
import { byId } from "./dom.js";
import { gettext } from "./i18n.js";
import { showInfo } from "./panel.js";
import { later, queueWrite, refresh, say, send, urlFor } from "./requests.js";
import { selectSpan, selectionValues, takeSelection } from "./spans.js";
import { eventData, marksOf, root, state, sugData, textOf, triggerOf } from "./state.js";
import { unfocusSuggestion } from "./suggestions.js";

export function slots() {
  const panel = byId("event-panel");
  return panel && panel.dataset.ev ? Array.from(panel.querySelectorAll(".slot[data-role]")) : [];
}

export function activeRoleLabel() {
  const slot = slots().find((s) => s.dataset.role === state.activeRole);
  return slot ? slot.querySelector(".role-name").textContent.replace("*", "").trim() : state.activeRole;
}

export function setActiveRole(role) {
  const all = slots();
  if (!all.length) {
    state.activeRole = null;
    return;
  }
  // Default: the first role still missing a filler, else the first role.
  const chosen = all.find((s) => s.dataset.role === role)
    || all.find((s) => s.classList.contains("missing")) || all[0];
  state.activeRole = chosen.dataset.role;
  all.forEach((s) => {
    s.classList.toggle("active", s === chosen);
    s.setAttribute("aria-current", s === chosen ? "true" : "false");
  });
}

export function cycleRole(step) {
  const all = slots();
  if (!all.length) return;
  const at = all.findIndex((s) => s.dataset.role === state.activeRole);
  setActiveRole(all[(at + step + all.length) % all.length].dataset.role);
  showInfo();
}

/* A slot took the keyboard focus (Tab inside the panel): it becomes the active role. */
export function pickRole(role) {
  if (role === state.activeRole) return;
  setActiveRole(role);
  showInfo();
}

/* Mark the selected event in the text (trigger, arguments with their roles) and the list. */
export function showEvent() {
  document.querySelectorAll("#doc-text .trg-sel, #doc-text .arg, #event-list .sel").forEach((el) => {
    el.classList.remove("trg-sel", "arg");
    delete el.dataset.role;
  });
  const data = state.selectedEvent && eventData(state.selectedEvent);
  if (!data) {
    state.selectedEvent = null;
    state.activeRole = null;
  } else {
    triggerOf(data.id).forEach((m) => m.classList.add("trg-sel"));
    const roles = {};
    data.args.forEach((arg) => { (roles[arg.span] = roles[arg.span] || []).push(arg.label); });
    Object.entries(roles).forEach(([span, labels]) => {
      marksOf(span).forEach((m, i) => {
        m.classList.add("arg");
        if (i === 0) m.dataset.role = labels.join("، ");
      });
    });
    const item = document.querySelector('#event-list li[data-ev="' + CSS.escape(String(data.id)) + '"]');
    if (item) {
      item.classList.add("sel");
      item.scrollIntoView({ block: "nearest" });
    }
    setActiveRole(state.activeRole);
  }
  root.classList.toggle("event-mode", Boolean(state.selectedEvent));
  showInfo();
  drawArcs();
}

/* Open an event's panel: the server renders it (with the event's slots) on any change;
   opening one is a GET of the editor's partials with that event selected. */
export function selectEvent(id) {
  if (later(() => selectEvent(id))) return;
  state.linking = null;
  if (!id) {
    state.selectedEvent = null;
    const panel = byId("event-panel");
    if (panel) {
      panel.hidden = true;
      panel.replaceChildren();
      delete panel.dataset.ev;
    }
    showEvent();
    return;
  }
  if (state.selectedId) selectSpan(null);
  unfocusSuggestion();
  refresh(id);
}

export function stepEvent(step) {
  const ids = state.annotations.events.map((e) => String(e.id));
  if (!ids.length) return say(gettext("No events yet: select a trigger word and press an event type key."), "info");
  const at = ids.indexOf(String(state.selectedEvent));
  const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
  openEvent(ids[next]);
}

/* Open an event and bring its trigger into view. */
export function openEvent(id) {
  selectEvent(id);
  const first = triggerOf(id)[0];
  if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
}

export function applyEventType(type) {
  if (later(() => applyEventType(type))) return;
  const pending = takeSelection();
  if (pending) {
    state.activeRole = null;
    send(root.dataset.eventCreateUrl, { type, ...selectionValues(pending) }, () => true);
  } else if (state.selectedEvent) {
    const event = state.selectedEvent;
    send(urlFor(root.dataset.eventTypeUrl, event), { type }, () => Boolean(eventData(event)));
  } else {
    say(gettext("Select the trigger word first, then choose an event type."), "info");
  }
}

/* A role filled is drawn at once (provisional.js: the filler in its slot, the mark
   outlined with the role's name) and sent in its turn, like a mark. */
export function queueFill(fill) {
  const write = {
    kind: "fill", roleLabel: activeRoleLabel(), url: urlFor(root.dataset.argumentUrl, fill.event), ...fill,
    stillThere: () => Boolean(eventData(fill.event)) && (!fill.span || marksOf(fill.span).length > 0)
      && (!fill.suggestion || Boolean(sugData(fill.suggestion))),
  };
  write.again = () => queueFill(fill);
  queueWrite(write);
}

export function fillRole(spanId) {
  if (!state.selectedEvent) return;
  if (!state.activeRole) return say(gettext("This event type has no roles."), "info");
  const role = state.activeRole;
  queueFill({ event: state.selectedEvent, role, span: String(spanId), text: textOf(spanId), values: { role, span: spanId } });
}

/* A suggested entity clicked while a role is active: accepted and put in the role. */
export function fillRoleWithSuggestion(suggestionId) {
  if (!state.activeRole) return say(gettext("This event type has no roles."), "info");
  const role = state.activeRole;
  const data = sugData(suggestionId);
  queueFill({
    event: state.selectedEvent, role, suggestion: String(suggestionId), text: data ? data.text : "",
    values: { role, suggestion: suggestionId },
  });
}

export function clearRole() {
  if (later(clearRole)) return;
  const slot = slots().find((s) => s.dataset.role === state.activeRole);
  const fillers = slot ? slot.querySelectorAll(".filler[data-arg]") : [];
  if (!fillers.length) return say(gettext("This role is empty."), "info");
  const argumentId = fillers[fillers.length - 1].dataset.arg;
  send(urlFor(root.dataset.argumentDeleteUrl, argumentId), {}, () => argumentShown(argumentId));
}

export function removeArgument(argumentId) {
  if (later(() => removeArgument(argumentId))) return;
  send(urlFor(root.dataset.argumentDeleteUrl, argumentId), {}, () => argumentShown(argumentId));
}

function argumentShown(argumentId) {
  return Boolean(document.querySelector('#event-panel .filler[data-arg="' + CSS.escape(String(argumentId)) + '"]'));
}

export function setAttribute(key, value) {
  if (later(() => setAttribute(key, value))) return;
  const event = state.selectedEvent;
  if (event) send(urlFor(root.dataset.eventAttributeUrl, event), { key, value }, () => Boolean(eventData(event)));
}

export function deleteEvent() {
  if (later(deleteEvent)) return;
  const event = state.selectedEvent;
  if (event) send(urlFor(root.dataset.eventDeleteUrl, event), {}, () => Boolean(eventData(event)));
}
