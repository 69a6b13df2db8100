/* Tawsim editor: a text selection becomes code-point offsets, a type key or a palette
   click sends it to the server with htmx, and the server's partials replace the text,
   the lists, the event panel and the set's state (which carries the set version).
   A span write (create, change type, delete) is answered with less: the blocks of text
   it touched (span.blk, by id), its item in the span list, the count, the state and the
   message, out of band, and #editor-change (the span to select) as the main swap.

   Offsets: every run of text sits in an element with data-o = its start in code points
   (Python str indices). JavaScript strings are UTF-16, so inside a run we count code
   points with the string iterator (an emoji is one code point, two UTF-16 units).

   Modes, by what is selected:
   - nothing or a text selection: type keys mark it; event type keys make it a trigger;
   - a mark (span): type keys change it, Delete deletes it, l starts a link to another mark;
   - an event (its panel open): its trigger and arguments are marked and joined by arcs;
     Tab cycles its roles, a click on a mark or a type key on a selection fills the
     active role, Delete clears it, attribute keys (a r d p h) set factuality, ] and [
     move to the next and previous event, Esc closes it;
   - a suggestion (a dashed mark: pre-tagging's output, not yet decided): its panel shows
     the tagger, score and value; Enter accepts it, Delete (or x) rejects it, and the
     focus moves on to the next one, so a document can be reviewed with two keys.
     . and , step to the next and previous suggestion from anywhere.
   Suggestion decisions answer 204 with `HX-Trigger: tawsim:refresh`: the editor then
   fetches its partials again. The knowledge-base and cluster panels announce the set's
   new version with `tawsim:version`; the version lives on #set-state (data-version, and
   data-set-version for those panels).
   Shortcuts are matched by event.code (the physical key), so an Arabic layout works. */
(function () {
  "use strict";

  const root = document.getElementById("editor");
  if (!root || !window.htmx) return;
  const gettext = window.gettext || ((s) => s);
  const interpolate = window.interpolate || ((fmt, args, named) => (named
    ? fmt.replace(/%\((\w+)\)s/g, (_, name) => String(args[name]))
    : args.reduce((out, arg) => out.replace("%s", arg), fmt)));
  const ngettext = window.ngettext || ((one, many, n) => (n === 1 ? one : many));

  // 4xx answers carry a message the server retargets to the message area: swap them.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "4..", swap: true, error: true },
    { code: "...", swap: false, error: true },
  ];

  const byId = (id) => document.getElementById(id);
  const textEl = () => byId("doc-text");
  const setState = () => byId("set-state");
  const relationTypes = JSON.parse((byId("relation-types") || {}).textContent || "[]") || [];

  let pending = null; // {start, end, text}: the current selection inside the text
  let selectedId = null; // the clicked mark's span id
  let selectedEvent = null; // the event whose panel is open (its id, a string)
  let activeRole = null; // the role slot of the selected event that clicks and keys fill
  let linking = null; // a link in progress: {source, target} span ids
  let annotations = { events: [], relations: [] };
  let busy = false; // one request at a time: a second one would carry a stale version
  let queued = null; // an action asked for while busy: run once the answer has settled
  let focusedSug = null; // the focused suggestion's id (a string)
  let resumeAt = null; // after a decision: where to look for the next suggestion, what to say
  let refreshWanted = false; // a tawsim:refresh arrived while a request was in flight
  let partMissing = false; // an answer named a part the page lacks (see htmx:oobErrorNoTarget)
  let hideSuggestions = storedFlag("tawsim.hideSuggestions");

  function storedFlag(name) {
    try {
      return window.localStorage.getItem(name) === "1";
    } catch (e) {
      return false; // storage refused (private mode): the default, shown
    }
  }

  function codePoints(s) {
    let n = 0;
    for (const _ of s) n++; // eslint-disable-line no-unused-vars
    return n;
  }

  /* A DOM boundary point → code-point offset into the document text. */
  function offsetOf(container, node, offset) {
    const whole = document.createRange();
    whole.selectNodeContents(container);
    const where = whole.comparePoint(node, offset);
    if (where < 0) return 0;
    if (where > 0) return Number(container.dataset.len);
    if (node.nodeType === Node.TEXT_NODE) {
      const run = node.parentElement.closest("[data-o]");
      if (run) return Number(run.dataset.o) + codePoints(node.data.slice(0, offset));
    }
    // A point between elements: the start of the first run at or after it (binary search).
    const runs = container.querySelectorAll("[data-o]");
    const point = document.createRange();
    point.setStart(node, offset);
    let lo = 0, hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (point.comparePoint(runs[mid], 0) < 0) lo = mid + 1; else hi = mid;
    }
    return lo < runs.length ? Number(runs[lo].dataset.o) : Number(container.dataset.len);
  }

  function readSelection() {
    const el = textEl();
    const sel = window.getSelection();
    if (!el || !sel.rangeCount || sel.isCollapsed) return null;
    const range = sel.getRangeAt(0);
    if (!range.intersectsNode(el)) return null;
    const start = offsetOf(el, range.startContainer, range.startOffset);
    const end = offsetOf(el, range.endContainer, range.endOffset);
    return end > start ? { start, end, text: range.toString() } : null;
  }

  function say(message, level) {
    const box = byId("editor-messages");
    if (!box) return;
    box.className = "editor-messages " + (level || "info");
    box.textContent = message;
  }

  function element(tag, className, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    return el;
  }

  function arabic(text) {
    const words = element("bdi", "", text);
    words.dir = "rtl";
    words.lang = "ar";
    return words;
  }

  /* ---- the side panel: what is selected ---- */

  function marksOf(id) {
    return textEl().querySelectorAll('mark[data-id="' + CSS.escape(String(id)) + '"]');
  }

  function triggerOf(id) {
    return textEl().querySelectorAll('mark[data-ev="' + CSS.escape(String(id)) + '"]');
  }

  function textOf(id) {
    return Array.from(marksOf(id), (m) => m.textContent).join("");
  }

  function chipFor(id) {
    const parts = marksOf(id);
    const chip = element("span", "chip", parts[0].dataset.label);
    chip.style.setProperty("--c", parts[0].style.getPropertyValue("--c"));
    return chip;
  }

  function showInfo() {
    const info = byId("selection-info");
    info.replaceChildren();
    const line = element("p", "picked");
    if (linking) {
      showLinking(info);
    } else if (focusedSug && sugData(focusedSug)) {
      showSuggestion(info, sugData(focusedSug));
    } else if (selectedId) {
      line.append(chipFor(selectedId), arabic(textOf(selectedId)));
      info.append(line);
      const remove = element("button", "delete-span", gettext("Delete mark"));
      remove.type = "button";
      remove.title = gettext("Delete or Backspace");
      info.append(remove);
      info.append(element("p", "hint", gettext("Press a type key to change its type, l to link it to another mark, Esc to deselect.")));
    } else if (pending) {
      line.append(arabic("«" + pending.text + "»"));
      const hint = selectedEvent && activeRole
        ? interpolate(gettext("Press an entity type key to fill %s with this text, or an event type key for a new event."), [activeRoleLabel()])
        : gettext("Press a type key or click a type to mark this text; an event type key makes it an event trigger.");
      info.append(line, element("p", "hint", hint));
    } else if (selectedEvent) {
      info.append(element("p", "hint", gettext("Click a mark, or select text and press an entity type key, to fill the active role. Tab: next role. Esc: close the event.")));
    } else {
      info.append(element("p", "hint", gettext("Select text, then press a type key or click a type. Click a mark to change or delete it.")));
    }
  }

  function selectSpan(id) {
    document.querySelectorAll("#doc-text .sel, #span-list .sel").forEach((el) => el.classList.remove("sel"));
    selectedId = id && marksOf(id).length ? String(id) : null;
    if (selectedId) unfocusSuggestion();
    if (selectedId) {
      marksOf(selectedId).forEach((m) => m.classList.add("sel"));
      const item = document.querySelector('#span-list li[data-id="' + CSS.escape(selectedId) + '"]');
      if (item) {
        item.classList.add("sel");
        item.scrollIntoView({ block: "nearest" });
      }
    }
    loadSpanPanel();
    showInfo();
    drawArcs();
  }

  function loadSpanPanel() {
    const detail = byId("span-detail");
    if (!detail) return;
    if (!selectedId || linking) {
      detail.replaceChildren();
      return;
    }
    if (detail.dataset.span === selectedId && detail.childElementCount) return;
    detail.dataset.span = selectedId;
    htmx.ajax("GET", urlFor(root.dataset.spanPanelUrl, selectedId), { target: "#span-detail", swap: "innerHTML", source: root });
  }

  function clearAll() {
    window.getSelection().removeAllRanges();
    pending = null;
    linking = null;
    selectSpan(null);
  }

  /* ---- events: the panel, role slots, arcs ---- */

  function readAnnotations() {
    const data = byId("ann-data");
    try {
      annotations = JSON.parse(data ? data.dataset.json : "{}");
    } catch (e) {
      annotations = { events: [], relations: [] };
    }
    annotations.events = annotations.events || [];
    annotations.relations = annotations.relations || [];
    annotations.suggestions = annotations.suggestions || [];
  }

  function eventData(id) {
    return annotations.events.find((e) => String(e.id) === String(id)) || null;
  }

  function slots() {
    const panel = byId("event-panel");
    return panel && panel.dataset.ev ? Array.from(panel.querySelectorAll(".slot[data-role]")) : [];
  }

  function activeRoleLabel() {
    const slot = slots().find((s) => s.dataset.role === activeRole);
    return slot ? slot.querySelector(".role-name").textContent.replace("*", "").trim() : activeRole;
  }

  function setActiveRole(role) {
    const all = slots();
    if (!all.length) {
      activeRole = null;
      return;
    }
    // Default: the first role still missing a filler, else the first role.
    const chosen = all.find((s) => s.dataset.role === role)
      || all.find((s) => s.classList.contains("missing")) || all[0];
    activeRole = chosen.dataset.role;
    all.forEach((s) => {
      s.classList.toggle("active", s === chosen);
      s.setAttribute("aria-current", s === chosen ? "true" : "false");
    });
  }

  function cycleRole(step) {
    const all = slots();
    if (!all.length) return;
    const at = all.findIndex((s) => s.dataset.role === activeRole);
    setActiveRole(all[(at + step + all.length) % all.length].dataset.role);
    showInfo();
  }

  /* Mark the selected event in the text (trigger, arguments with their roles) and the list. */
  function showEvent() {
    document.querySelectorAll("#doc-text .trg-sel, #doc-text .arg, #event-list .sel").forEach((el) => {
      el.classList.remove("trg-sel", "arg");
      delete el.dataset.role;
    });
    const data = selectedEvent && eventData(selectedEvent);
    if (!data) {
      selectedEvent = null;
      activeRole = null;
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
      setActiveRole(activeRole);
    }
    root.classList.toggle("event-mode", Boolean(selectedEvent));
    showInfo();
    drawArcs();
  }

  /* Open an event's panel: the server renders it (with the event's slots) on any change;
     opening one is a GET of the editor's partials with that event selected. */
  function selectEvent(id) {
    if (busy) {
      queued = () => selectEvent(id);
      return;
    }
    linking = null;
    if (!id) {
      selectedEvent = null;
      const panel = byId("event-panel");
      if (panel) {
        panel.hidden = true;
        panel.replaceChildren();
        delete panel.dataset.ev;
      }
      showEvent();
      return;
    }
    if (selectedId) selectSpan(null);
    unfocusSuggestion();
    busy = true;
    htmx
      .ajax("GET", root.dataset.editorUrl + "?event=" + encodeURIComponent(id), {
        source: root, target: "#doc-text", swap: "outerHTML",
      })
      .finally(() => { busy = false; });
  }

  function stepEvent(step) {
    const ids = annotations.events.map((e) => String(e.id));
    if (!ids.length) return say(gettext("No events yet: select a trigger word and press an event type key."), "info");
    const at = ids.indexOf(String(selectedEvent));
    const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
    selectEvent(ids[next]);
    const first = triggerOf(ids[next])[0];
    if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
  }

  function drawArcs() {
    const svg = byId("arcs");
    if (!svg || !window.TawsimArcs || !textEl()) return;
    const arcs = [];
    const data = selectedEvent && eventData(selectedEvent);
    if (data) {
      const from = triggerOf(data.id);
      data.args.forEach((arg) => {
        // The role is written on the argument's mark: no label on its arc.
        arcs.push({ from, to: marksOf(arg.span), label: arg.label, showLabel: false, colour: data.colour, kind: "argument" });
      });
    } else if (selectedId) {
      annotations.relations
        .filter((r) => String(r.source) === selectedId || String(r.target) === selectedId)
        .forEach((r) => arcs.push({ from: marksOf(r.source), to: marksOf(r.target), label: r.label, colour: r.colour, kind: "relation" }));
    }
    window.TawsimArcs.draw(svg, byId("doc-pane"), arcs);
  }

  /* ---- links (relations) between two marks ---- */

  function startLink() {
    if (!selectedId) return;
    linking = { source: selectedId, target: null };
    loadSpanPanel();
    showInfo();
  }

  function allowedRelations(source, target) {
    const sourceType = marksOf(source)[0].dataset.t;
    const targetType = marksOf(target)[0].dataset.t;
    return relationTypes.filter((r) => r.sources.includes(sourceType) && r.targets.includes(targetType));
  }

  function showLinking(info) {
    const line = element("p", "picked");
    line.append(chipFor(linking.source), arabic(textOf(linking.source)), element("span", "dir", " → "));
    if (!linking.target) {
      info.append(line, element("p", "hint", gettext("Click the mark to link to (Esc to cancel).")));
      return;
    }
    line.append(chipFor(linking.target), arabic(textOf(linking.target)));
    info.append(line);
    const allowed = allowedRelations(linking.source, linking.target);
    if (!allowed.length) {
      info.append(element("p", "hint", gettext("The schema has no relation between these two types. Click another mark, or Esc.")));
      return;
    }
    const list = element("ul", "relation-choices");
    allowed.forEach((r, i) => {
      const button = element("button", "relation-btn", r.label);
      button.type = "button";
      button.dataset.type = r.key;
      button.append(element("kbd", "", String(i + 1)));
      const item = element("li");
      item.append(button);
      list.append(item);
    });
    info.append(list, element("p", "hint", gettext("Choose the relation (its number key), or Esc.")));
  }

  function pickLinkTarget(id) {
    if (id === linking.source) return;
    linking.target = id;
    showInfo();
  }

  function createLink(type) {
    if (!linking || !linking.target) return;
    const { source, target } = linking;
    linking = null;
    send(root.dataset.relationUrl, { type, source, target });
  }

  /* ---- suggestions (pre-tagging): focus, accept, reject, step ---- */

  function visibleSuggestions() {
    return hideSuggestions ? [] : annotations.suggestions;
  }

  function sugData(id) {
    return annotations.suggestions.find((s) => String(s.id) === String(id)) || null;
  }

  function sugMarks(id) {
    return textEl().querySelectorAll('mark[data-sug="' + CSS.escape(String(id)) + '"]');
  }

  function unfocusSuggestion() {
    if (!focusedSug) return;
    document.querySelectorAll("#doc-text .sug-sel").forEach((el) => el.classList.remove("sug-sel"));
    focusedSug = null;
  }

  /* Focus a suggestion (closing whatever else was selected) and show its panel. */
  function focusSuggestion(id, scroll) {
    unfocusSuggestion();
    if (!id || !sugData(id) || hideSuggestions) {
      showInfo();
      return;
    }
    linking = null;
    if (selectedId) selectSpan(null);
    if (selectedEvent) selectEvent(null);
    if (pending) {
      pending = null;
      window.getSelection().removeAllRanges();
    }
    focusedSug = String(id);
    const marks = sugMarks(focusedSug);
    marks.forEach((m) => m.classList.add("sug-sel"));
    if (scroll && marks[0]) marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
    showInfo();
    byId("selection-info").scrollIntoView({ block: "nearest" }); // the side column scrolls on its own
  }

  function stepSuggestion(step) {
    if (hideSuggestions) return say(gettext("Suggestions are hidden: tick «Show in the text» to go through them."), "info");
    const list = visibleSuggestions();
    if (!list.length) return say(gettext("No pending suggestions in this document."), "info");
    const at = list.findIndex((s) => String(s.id) === focusedSug);
    const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length;
    focusSuggestion(list[next].id, true);
  }

  function fact(list, name, value) {
    list.append(element("dt", "", name));
    const dd = element("dd");
    dd.append(value instanceof Node ? value : document.createTextNode(value));
    list.append(dd);
  }

  function makeButton(className, label, key) {
    const b = element("button", className, label);
    b.type = "button";
    if (key) b.append(" ", element("kbd", "", key));
    return b;
  }

  function showSuggestion(info, s) {
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
    const reject = makeButton("sug-reject", gettext("Reject"), "Delete");
    actions.append(accept, reject);
    if (s.kind === "entity") {
      const count = annotations.suggestions.filter((o) => o.kind === "entity" && o.type === s.type).length;
      const all = makeButton("sug-accept-all", interpolate(gettext("Accept all «%s» in this document (%s)"), [s.label, count]));
      all.dataset.type = s.type;
      actions.append(all);
    }
    info.append(actions, element("p", "hint", gettext("After each decision the next suggestion is selected. . and , move between them; Esc closes.")));
  }

  function decideSuggestion(accept) {
    if (later(() => decideSuggestion(accept))) return;
    const s = focusedSug && sugData(focusedSug);
    if (!s) return;
    const message = accept
      ? interpolate(gettext("Accepted «%s» as %s."), [s.text, s.label])
      : interpolate(gettext("Rejected the suggestion «%s»."), [s.text]);
    decide(urlFor(accept ? root.dataset.sugAcceptUrl : root.dataset.sugRejectUrl, s.id), {}, { start: s.start, end: s.end, message });
  }

  function acceptAll(type) {
    if (later(() => acceptAll(type))) return;
    const s = focusedSug && sugData(focusedSug);
    const before = annotations.suggestions.filter((o) => o.kind === "entity" && o.type === type).length;
    const label = s ? s.label : type;
    decide(root.dataset.sugAcceptAllUrl, { type }, { start: s ? s.start : 0, end: s ? s.end : 0, type, before, label });
  }

  /* POST a decision. The answer is 204 + tawsim:refresh (then the partials are fetched
     again and the next suggestion focused) or a refusal (tawsim:refused). */
  function decide(url, values, resume) {
    const state = setState();
    if (state.dataset.locked) return say(gettext("This document is submitted: reopen it to make changes."), "error");
    busy = true;
    resumeAt = resume;
    values.version = state.dataset.version;
    htmx
      .ajax("POST", url, { source: root, swap: "none", values, headers: { "X-CSRFToken": root.dataset.csrf } })
      .finally(() => {
        busy = false;
        if (refreshWanted) refresh();
      });
  }

  /* Fetch the editor's partials again (text, lists, suggestions, set state and version). */
  function refresh() {
    refreshWanted = false;
    busy = true;
    const query = selectedEvent ? "?event=" + encodeURIComponent(selectedEvent) : "";
    htmx
      .ajax("GET", root.dataset.editorUrl + query, { source: root, target: "#doc-text", swap: "outerHTML" })
      .finally(() => { busy = false; });
  }

  /* After the partials came back: focus the suggestion after the one just decided. */
  function resumeSuggestions() {
    const resume = resumeAt;
    resumeAt = null;
    if (!resume) {
      if (focusedSug && sugData(focusedSug) && !hideSuggestions) focusSuggestion(focusedSug, false);
      else focusedSug = null;
      return;
    }
    let message = resume.message;
    if (resume.type) {
      const left = annotations.suggestions.filter((o) => o.kind === "entity" && o.type === resume.type).length;
      const accepted = Math.max(resume.before - left, 0);
      const format = ngettext("Accepted %(count)s suggestion of type «%(type)s».", "Accepted %(count)s suggestions of type «%(type)s».", accepted);
      message = interpolate(format, { count: accepted, type: resume.label }, true);
    }
    const list = visibleSuggestions();
    const next = list.find((s) => s.start > resume.start || (s.start === resume.start && s.end <= resume.end)) || list[0];
    focusedSug = null;
    focusSuggestion(next ? next.id : null, true);
    if (!list.length) message += " " + gettext("No more suggestions in this document.");
    say(message, "success");
  }

  function showSuggestionVisibility() {
    root.classList.toggle("hide-sug", hideSuggestions);
    const box = byId("sug-toggle");
    if (box) box.checked = !hideSuggestions;
  }

  function setSuggestionsHidden(hidden) {
    hideSuggestions = hidden;
    try {
      window.localStorage.setItem("tawsim.hideSuggestions", hidden ? "1" : "0");
    } catch (e) { /* not remembered: fine */ }
    if (hidden) unfocusSuggestion();
    showSuggestionVisibility();
    showInfo();
  }

  /* The set's version moved on elsewhere (a knowledge-base or cluster panel). */
  function setVersion(version) {
    const state = setState();
    if (!state || !Number.isInteger(version) || version <= Number(state.dataset.version)) return;
    state.dataset.version = String(version);
    state.dataset.setVersion = String(version);
    state.querySelectorAll('input[name="version"]').forEach((input) => { input.value = String(version); });
  }

  /* ---- requests ---- */

  function send(url, values) {
    if (busy) return;
    const state = setState();
    if (state.dataset.locked) {
      say(gettext("This document is submitted: reopen it to make changes."), "error");
      return;
    }
    busy = true;
    values.version = state.dataset.version;
    values.event = selectedEvent || "";
    htmx
      .ajax("POST", url, {
        source: root,
        target: "#doc-text",
        swap: "outerHTML",
        values: values,
        headers: { "X-CSRFToken": root.dataset.csrf },
      })
      .finally(() => { busy = false; });
  }

  function later(action) {
    // One request at a time: remember the last action asked for while one is in flight.
    if (!busy) return false;
    queued = action;
    return true;
  }

  function urlFor(template, id) {
    // Templates are reversed with id 0 ("/spans/0/type/"): put the real id in its place.
    return template.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function applyType(type) {
    if (later(() => applyType(type))) return;
    // Read the selection now: selectionchange is asynchronous and may not have fired yet.
    pending = readSelection() || pending;
    if (selectedEvent && activeRole && pending) {
      send(urlFor(root.dataset.argumentUrl, selectedEvent), { role: activeRole, type, start: pending.start, end: pending.end });
    } else if (pending) {
      send(root.dataset.createUrl, { type: type, start: pending.start, end: pending.end });
    } else if (selectedId) {
      send(urlFor(root.dataset.typeUrl, selectedId), { type: type });
    } else if (selectedEvent) {
      say(gettext("Select the text that fills the role first, or click a mark."), "info");
    } else {
      say(gettext("Select some text first, then choose a type."), "info");
    }
  }

  function applyEventType(type) {
    if (later(() => applyEventType(type))) return;
    pending = readSelection() || pending;
    if (pending) {
      activeRole = null;
      send(root.dataset.eventCreateUrl, { type, start: pending.start, end: pending.end });
    } else if (selectedEvent) {
      send(urlFor(root.dataset.eventTypeUrl, selectedEvent), { type });
    } else {
      say(gettext("Select the trigger word first, then choose an event type."), "info");
    }
  }

  function fillRole(spanId) {
    if (later(() => fillRole(spanId))) return;
    if (!activeRole) return say(gettext("This event type has no roles."), "info");
    send(urlFor(root.dataset.argumentUrl, selectedEvent), { role: activeRole, span: spanId });
  }

  function clearRole() {
    if (later(clearRole)) return;
    const slot = slots().find((s) => s.dataset.role === activeRole);
    const fillers = slot ? slot.querySelectorAll(".filler[data-arg]") : [];
    if (!fillers.length) return say(gettext("This role is empty."), "info");
    send(urlFor(root.dataset.argumentDeleteUrl, fillers[fillers.length - 1].dataset.arg), {});
  }

  function setAttribute(key, value) {
    if (later(() => setAttribute(key, value))) return;
    if (selectedEvent) send(urlFor(root.dataset.eventAttributeUrl, selectedEvent), { key, value });
  }

  function deleteSelected() {
    if (later(deleteSelected)) return;
    if (selectedId) send(urlFor(root.dataset.deleteUrl, selectedId), {});
  }

  function deleteEvent() {
    if (later(deleteEvent)) return;
    if (selectedEvent) send(urlFor(root.dataset.eventDeleteUrl, selectedEvent), {});
  }

  function history(redo) {
    if (later(() => history(redo))) return;
    send(redo ? root.dataset.redoUrl : root.dataset.undoUrl, {});
  }

  /* ---- events (delegated to stable ancestors: the text is replaced after each change) ---- */

  document.addEventListener("selectionchange", () => {
    const next = readSelection();
    if (next) {
      pending = next;
      unfocusSuggestion();
      if (selectedId) selectSpan(null); else showInfo();
    } else if (pending && window.getSelection().isCollapsed) {
      pending = null;
      showInfo();
    }
  });

  root.addEventListener("mousedown", (event) => {
    // Keep the text selection when a palette button takes the click.
    // Suggestion buttons do not take the focus either: Enter keeps meaning "accept".
    if (event.target.closest(".type-btn, .event-type-btn, .slot, .attr-btn, .sug-actions button, .sug-step")) event.preventDefault();
  });

  root.addEventListener("click", (event) => {
    const t = event.target;
    const typeButton = t.closest(".type-btn");
    if (typeButton) return applyType(typeButton.dataset.type);
    const eventTypeButton = t.closest(".event-type-btn");
    if (eventTypeButton) return applyEventType(eventTypeButton.dataset.type);
    if (t.closest(".delete-span")) return deleteSelected();
    if (t.closest(".sug-accept")) return decideSuggestion(true);
    if (t.closest(".sug-reject")) return decideSuggestion(false);
    const acceptAllButton = t.closest(".sug-accept-all");
    if (acceptAllButton) return acceptAll(acceptAllButton.dataset.type);
    const sugStep = t.closest(".sug-step");
    if (sugStep) return stepSuggestion(Number(sugStep.dataset.step));
    if (t.closest(".delete-event")) return deleteEvent();
    if (t.closest("#undo-button")) return history(false);
    if (t.closest("#redo-button")) return history(true);
    if (t.closest(".rel-start")) return startLink();
    const relationButton = t.closest(".relation-btn");
    if (relationButton) return createLink(relationButton.dataset.type);
    const relationDelete = t.closest(".rel-delete");
    if (relationDelete) return send(urlFor(root.dataset.relationDeleteUrl, relationDelete.dataset.rel), {});
    const argRemove = t.closest(".arg-remove");
    if (argRemove) return send(urlFor(root.dataset.argumentDeleteUrl, argRemove.dataset.arg), {});
    const attr = t.closest(".attr-btn");
    if (attr) return setAttribute(attr.dataset.key, attr.dataset.value);
    const slot = t.closest(".slot[data-role]");
    if (slot) {
      setActiveRole(slot.dataset.role);
      return showInfo();
    }
    const eventItem = t.closest(".event-item");
    if (eventItem) {
      selectEvent(eventItem.dataset.ev);
      const first = triggerOf(eventItem.dataset.ev)[0];
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    const item = t.closest(".span-item");
    if (item) {
      if (selectedEvent) selectEvent(null);
      selectSpan(item.dataset.id);
      const first = marksOf(item.dataset.id)[0];
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    if (t.closest("#doc-text") && window.getSelection().isCollapsed) {
      // A suggestion is focused by a click unless a human mark under it is what a
      // pending link or the open event's role wants.
      const suggestion = hideSuggestions ? null : t.closest("mark[data-sug]");
      const human = t.closest("mark[data-id]");
      if (suggestion && !linking && !(selectedEvent && human)) return focusSuggestion(suggestion.dataset.sug, false);
      const mark = t.closest("mark[data-id], mark[data-ev]");
      if (mark && mark.dataset.ev) return selectEvent(mark.dataset.ev);
      const span = t.closest("mark[data-id]");
      if (linking && span) return pickLinkTarget(span.dataset.id);
      if (selectedEvent && span) return fillRole(span.dataset.id);
      if (selectedEvent && !span) return;  // a click beside the marks keeps the event open
      selectSpan(span ? span.dataset.id : null);
    }
  });

  root.addEventListener("change", (event) => {
    if (event.target.id === "sug-toggle") setSuggestionsHidden(!event.target.checked);
  });

  root.addEventListener("submit", (event) => {
    const form = event.target.closest(".attr-text");
    if (!form) return;
    event.preventDefault();
    setAttribute(form.dataset.key, form.elements.value.value);
  });

  function shortcutCode(key) {
    if (/^[0-9]$/.test(key)) return ["Digit" + key, "Numpad" + key];
    if (/^[a-z]$/i.test(key)) return ["Key" + key.toUpperCase()];
    return [];
  }

  function matches(event, key) {
    // event.code names the physical key, so shortcuts work with an Arabic layout too.
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
      // No caret in the text yet: start at the selected mark, or at the text's start.
      const from = (selectedId && marksOf(selectedId)[0]) || el;
      const first = from.querySelector("[data-o]") || from;
      sel.collapse(first.firstChild || first, 0);
    }
    const direction = event.key === "ArrowLeft" ? "left" : "right";
    sel.modify("extend", direction, event.ctrlKey ? "word" : "character");
  }

  /* Keys typed into a field (the side panels' search boxes, an attribute's text) are
     text, not shortcuts; a focused checkbox or button takes no typing. */
  const FIELDS = "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]";

  function typing(target) {
    return target.closest && target.closest(FIELDS);
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
    if (event.key === "Tab") {
      cycleRole(event.shiftKey ? -1 : 1);
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

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typing(event.target)) return;
    // Enter on a focused button or link is its click, not "accept".
    if (event.key === "Enter" && event.target.closest && event.target.closest("button, a, summary")) return;
    if ((event.ctrlKey || event.metaKey) && !event.altKey && (event.code === "KeyZ" || event.code === "KeyY")) {
      history(event.code === "KeyY" || event.shiftKey);
      event.preventDefault();
      return;
    }
    const arrow = event.key === "ArrowLeft" || event.key === "ArrowRight";
    if (event.altKey && arrow && !event.shiftKey) {
      // Reading right to left: the next document lies to the left.
      const link = byId(event.key === "ArrowLeft" ? "doc-next" : "doc-prev");
      if (link) window.location.href = link.href;
      event.preventDefault();
      return;
    }
    if (event.shiftKey && arrow && !event.altKey && !event.metaKey) {
      extendSelection(event);
      event.preventDefault();
      return;
    }
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.code === "BracketRight" || event.code === "BracketLeft") {
      stepEvent(event.code === "BracketRight" ? 1 : -1);
      event.preventDefault();
      return;
    }
    if (linking) {
      if (event.key === "Escape") {
        linking = null;
        loadSpanPanel();
        showInfo();
      } else if (linking.target && /^Digit[1-9]$|^Numpad[1-9]$/.test(event.code)) {
        const button = byId("selection-info").querySelectorAll(".relation-btn")[Number(event.code.slice(-1)) - 1];
        if (button) createLink(button.dataset.type);
      }
      event.preventDefault();
      return;
    }
    if (event.code === "Period" || event.code === "Comma" || event.key === "." || event.key === ",") {
      stepSuggestion(event.code === "Period" || event.key === "." ? 1 : -1);
      event.preventDefault();
      return;
    }
    if (focusedSug && suggestionKey(event)) {
      event.preventDefault();
      return;
    }
    if (selectedEvent && eventKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === "Escape") {
      clearAll();
      return;
    }
    if (event.key === "Delete" || event.key === "Backspace") {
      if (selectedId) {
        deleteSelected();
        event.preventDefault();
      }
      return;
    }
    if (selectedId && !pending && event.code === "KeyL") {
      startLink();
      event.preventDefault();
      return;
    }
    const type = buttonForKey(event, ".type-btn[data-key]", "key");
    if (type) {
      applyType(type.dataset.type);
      event.preventDefault();
      return;
    }
    const eventType = buttonForKey(event, ".event-type-btn[data-key]", "key");
    if (eventType) {
      applyEventType(eventType.dataset.type);
      event.preventDefault();
    }
  });

  /* htmx settles every element an answer swapped in: act once, on the main one. */
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (target && target.id === "editor-messages") queued = null; // refused: drop what followed
    const swapped = event.target;
    if (!textEl() || !target || swapped.id !== target.id) return;
    if (swapped.id === "doc-text") settle(swapped.dataset.select, true);
    else if (swapped.id === "editor-change") settle(swapped.dataset.select, false);
  });

  /* After a change: the whole editor was redrawn (`whole`), or only a span write's parts
     (the annotations, the event panel and the suggestions are then as they were). */
  function settle(select, whole) {
    window.getSelection().removeAllRanges();
    pending = null;
    if (whole) {
      readAnnotations();
      const panel = byId("event-panel");
      selectedEvent = panel && panel.dataset.ev ? panel.dataset.ev : null;
    }
    const detail = byId("span-detail");
    if (detail) detail.dataset.span = ""; // links may have changed: reload the mark's panel
    selectSpan(select || (selectedEvent ? null : selectedId));
    showEvent();
    busy = false; // normally released already, when the request's promise settled
    showSuggestionVisibility();
    resumeSuggestions();
    // A span write's parts did not all fit the page (drawn before the server cut the
    // text differently): fetch the whole editor rather than show half a change.
    if (partMissing && !whole) refresh();
    partMissing = false;
    const next = queued;
    queued = null;
    if (next) next();
  }

  document.body.addEventListener("htmx:oobErrorNoTarget", () => { partMissing = true; });

  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    if (status >= 500) {
      queued = null;
      say(interpolate(gettext("The server could not save this change (HTTP %s). Nothing was changed."), [status]), "error");
    }
  });

  document.body.addEventListener("htmx:sendError", () => {
    queued = null;
    resumeAt = null;
    say(gettext("The server could not be reached. Your change was not saved."), "error");
  });

  // Suggestion decisions ask for a refresh; refusals come with their reason.
  document.body.addEventListener("tawsim:refresh", () => {
    if (busy) refreshWanted = true; else refresh();
  });

  document.body.addEventListener("tawsim:refused", (event) => {
    queued = null;
    resumeAt = null;
    const detail = event.detail || {};
    say(detail.message || gettext("The change was refused."), "error");
    if (detail.status === 409) {
      const reload = makeButton("link-button reload", gettext("Reload the latest version"));
      reload.addEventListener("click", () => { if (!busy) refresh(); });
      byId("editor-messages").append(" ", reload);
    }
  });

  document.body.addEventListener("tawsim:version", (event) => {
    setVersion(Number((event.detail || {}).version));
  });

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(drawArcs, 60);
  });
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(drawArcs);

  readAnnotations();
  const panel = byId("event-panel");
  selectedEvent = panel && panel.dataset.ev ? panel.dataset.ev : null;
  showEvent();
  showSuggestionVisibility();
})();
