/* Suggestions (pre-tagging's output, dashed marks not yet decided): focus one, accept it
   (Enter) or reject it (Delete or x), and the next one is focused, so a document can be
   reviewed with two keys; . and , step between them. A decision answers 204 with
   `HX-Trigger: tawsim:refresh`, and the editor fetches its partials again. */
import { arabic, byId, element, makeButton } from "./dom.js";
import { selectEvent } from "./events.js";
import { gettext, interpolate, ngettext } from "./i18n.js";
import { showInfo } from "./panel.js";
import { decide, later, say, urlFor } from "./requests.js";
import { selectSpan } from "./spans.js";
import { root, state, sugData, sugMarks } from "./state.js";

function visibleSuggestions() {
  return state.hideSuggestions ? [] : state.annotations.suggestions;
}

export function unfocusSuggestion() {
  if (!state.focusedSug) return;
  document.querySelectorAll("#doc-text .sug-sel").forEach((el) => el.classList.remove("sug-sel"));
  state.focusedSug = null;
}

/* Focus a suggestion (closing whatever else was selected) and show its panel. */
export function focusSuggestion(id, scroll) {
  unfocusSuggestion();
  if (!id || !sugData(id) || state.hideSuggestions) {
    showInfo();
    return;
  }
  state.linking = null;
  if (state.selectedId) selectSpan(null);
  if (state.selectedEvent) selectEvent(null);
  if (state.pending) {
    state.pending = null;
    window.getSelection().removeAllRanges();
  }
  state.focusedSug = String(id);
  const marks = sugMarks(state.focusedSug);
  marks.forEach((m) => m.classList.add("sug-sel"));
  if (scroll && marks[0]) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
  showInfo();
  byId("selection-info").scrollIntoView({ block: "nearest" }); // the side column scrolls on its own
}

export function stepSuggestion(step) {
  if (state.hideSuggestions) return say(gettext("Suggestions are hidden: tick «Show in the text» to go through them."), "info");
  const list = visibleSuggestions();
  if (!list.length) return say(gettext("No pending suggestions in this document."), "info");
  const at = list.findIndex((s) => String(s.id) === state.focusedSug);
  const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length;
  focusSuggestion(list[next].id, true);
}

function fact(list, name, value) {
  list.append(element("dt", "", name));
  const dd = element("dd");
  dd.append(value instanceof Node ? value : document.createTextNode(value));
  list.append(dd);
}

export function showSuggestion(info, s) {
  const line = element("p", "picked");
  const chip = element("span", "chip sug-chip", s.label);
  chip.style.setProperty("--c", s.colour);
  line.append(chip, arabic(s.text));
  info.append(element("p", "sug-kind", s.kind === "event" ? gettext("Suggested event trigger") : gettext("Suggested mark")), line);
  const facts = element("dl", "sug-facts");
  fact(facts, gettext("Tagger"), s.taggerLabel);
  fact(facts, gettext("Score"), Number(s.score).toFixed(2));
  if (s.value) {
    const value = element("bdi", "", s.value);
    value.dir = "ltr";
    fact(facts, gettext("Value"), value);
  }
  info.append(facts);
  if (s.kind === "event") {
    info.append(element("p", "sug-args-title", gettext("Proposed arguments")));
    const args = element("ul", "sug-args");
    s.args.forEach((arg) => {
      const item = element("li");
      item.append(element("span", "role-name", arg.roleLabel + ": "), arabic(arg.text), element("span", "hint", " (" + arg.typeLabel + ")"));
      args.append(item);
    });
    if (!s.args.length) args.append(element("li", "hint", gettext("None: fill the roles after accepting.")));
    info.append(args);
  }
  const actions = element("p", "sug-actions");
  const accept = makeButton("sug-accept primary", gettext("Accept"), "Enter");
  accept.dataset.action = "accept-suggestion";
  const reject = makeButton("sug-reject", gettext("Reject"), "Delete");
  reject.dataset.action = "reject-suggestion";
  actions.append(accept, reject);
  if (s.kind === "entity") {
    const count = state.annotations.suggestions.filter((o) => o.kind === "entity" && o.type === s.type).length;
    const all = makeButton("sug-accept-all", interpolate(gettext("Accept all «%s» in this document (%s)"), [s.label, count]));
    all.dataset.action = "accept-all";
    all.dataset.type = s.type;
    actions.append(all);
  }
  info.append(actions, element("p", "hint", gettext("After each decision the next suggestion is selected. . and , move between them; Esc closes.")));
}

export function decideSuggestion(accept) {
  if (later(() => decideSuggestion(accept))) return;
  const s = state.focusedSug && sugData(state.focusedSug);
  if (!s) return;
  const message = accept
    ? interpolate(gettext("Accepted «%s» as %s."), [s.text, s.label])
    : interpolate(gettext("Rejected the suggestion «%s»."), [s.text]);
  decide(urlFor(accept ? root.dataset.sugAcceptUrl : root.dataset.sugRejectUrl, s.id), {}, { start: s.start, end: s.end, message },
    () => Boolean(sugData(s.id)));
}

export function acceptAll(type) {
  if (later(() => acceptAll(type))) return;
  const s = state.focusedSug && sugData(state.focusedSug);
  const before = state.annotations.suggestions.filter((o) => o.kind === "entity" && o.type === type).length;
  const label = s ? s.label : type;
  decide(root.dataset.sugAcceptAllUrl, { type }, { start: s ? s.start : 0, end: s ? s.end : 0, type, before, label }, () => true);
}

/* After the partials came back: focus the suggestion after the one just decided. */
export function resumeSuggestions() {
  const resume = state.resumeAt;
  state.resumeAt = null;
  if (!resume) {
    if (state.focusedSug && sugData(state.focusedSug) && !state.hideSuggestions) focusSuggestion(state.focusedSug, false);
    else state.focusedSug = null;
    return;
  }
  let message = resume.message;
  if (resume.type) {
    const left = state.annotations.suggestions.filter((o) => o.kind === "entity" && o.type === resume.type).length;
    const accepted = Math.max(resume.before - left, 0);
    const format = ngettext("Accepted %(count)s suggestion of type «%(type)s».", "Accepted %(count)s suggestions of type «%(type)s».", accepted);
    message = interpolate(format, { count: accepted, type: resume.label }, true);
  }
  const list = visibleSuggestions();
  const next = list.find((s) => s.start > resume.start || (s.start === resume.start && s.end <= resume.end)) || list[0];
  state.focusedSug = null;
  focusSuggestion(next ? next.id : null, true);
  if (!list.length) message += " " + gettext("No more suggestions in this document.");
  say(message, "success");
}

export function showSuggestionVisibility() {
  root.classList.toggle("hide-sug", state.hideSuggestions);
  const box = byId("sug-toggle");
  if (box) box.checked = !state.hideSuggestions;
}

export function setSuggestionsHidden(hidden) {
  state.hideSuggestions = hidden;
  try {
    window.localStorage.setItem("tawsim.hideSuggestions", hidden ? "1" : "0");
  } catch (e) { /* not remembered: fine */ }
  if (hidden) unfocusSuggestion();
  showSuggestionVisibility();
  showInfo();
}
