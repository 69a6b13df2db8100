/* The side panel's "what is selected" box (#selection-info, a live region): what the
   next key will act on, and which keys do what. */
import { arabic, byId, element, makeButton } from "./dom.js";
import { activeRoleLabel } from "./events.js";
import { gettext, interpolate } from "./i18n.js";
import { showLinking } from "./links.js";
import { marksOf, state, sugData, textOf } from "./state.js";
import { showSuggestion } from "./suggestions.js";

export function chipFor(id) {
  const parts = marksOf(id);
  const chip = element("span", "chip", parts[0].dataset.label);
  chip.style.setProperty("--c", parts[0].style.getPropertyValue("--c") || parts[0].dataset.colour || "");
  return chip;
}

export function showInfo() {
  const info = byId("selection-info");
  info.replaceChildren();
  const line = element("p", "picked");
  if (state.linking) {
    showLinking(info);
  } else if (state.focusedSug && sugData(state.focusedSug)) {
    showSuggestion(info, sugData(state.focusedSug));
  } else if (state.selectedId) {
    line.append(chipFor(state.selectedId), arabic(textOf(state.selectedId)));
    info.append(line);
    const remove = makeButton("delete-span", gettext("Delete mark"));
    remove.dataset.action = "delete-mark";
    remove.title = gettext("Delete or Backspace");
    info.append(remove);
    info.append(element("p", "hint", gettext("Press a type key to change its type, l to link it to another mark, Esc to deselect.")));
  } else if (state.pending) {
    line.append(arabic("«" + state.pending.text + "»"));
    if (state.pending.exact) line.append(element("span", "hint exact", " " + gettext("(exactly as drawn: Alt)")));
    const hint = state.selectedEvent && state.activeRole
      ? interpolate(gettext("Press an entity type key to fill %s with this text, or an event type key for a new event."), [activeRoleLabel()])
      : gettext("Press a type key or click a type to mark this text; an event type key makes it an event trigger.");
    info.append(line, element("p", "hint", hint));
  } else if (state.selectedEvent) {
    info.append(element("p", "hint", gettext("Click a mark, or select text and press an entity type key, to fill the active role. ' and ;: next and previous role. Esc: close the event.")));
  } else {
    info.append(element("p", "hint", gettext("Select text, then press a type key or click a type. Click a mark to change or delete it.")));
  }
}
