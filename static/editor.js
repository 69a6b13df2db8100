/* Tawsim entity editor: a text selection becomes code-point offsets, a type key or a
   palette click sends it to the server with htmx, and the server's partials replace
   the text, the span list and the set's state (which carries the set version).

   Offsets: every run of text sits in an element with data-o = its start in code points
   (Python str indices). JavaScript strings are UTF-16, so inside a run we count code
   points with the string iterator (an emoji is one code point, two UTF-16 units). */
(function () {
  "use strict";

  const root = document.getElementById("editor");
  if (!root || !window.htmx) return;
  const gettext = window.gettext || ((s) => s);
  const interpolate = window.interpolate || ((fmt, args) => fmt.replace("%s", args[0]));

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

  let pending = null; // {start, end, text}: the current selection inside the text
  let selectedId = null; // the clicked mark's span id
  let busy = false; // one request at a time: a second one would carry a stale version
  let queued = null; // an action asked for while busy: run once the answer has settled

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

  /* ---- the side panel: what is selected ---- */

  function marksOf(id) {
    return textEl().querySelectorAll('mark[data-id="' + CSS.escape(String(id)) + '"]');
  }

  function showInfo() {
    const info = byId("selection-info");
    info.replaceChildren();
    const line = document.createElement("p");
    line.className = "picked";
    if (selectedId) {
      const parts = marksOf(selectedId);
      const chip = document.createElement("span");
      chip.className = "chip";
      chip.style.setProperty("--c", parts[0].style.getPropertyValue("--c"));
      chip.textContent = parts[0].dataset.label;
      const words = document.createElement("bdi");
      words.dir = "rtl";
      words.lang = "ar";
      words.textContent = Array.from(parts, (m) => m.textContent).join("");
      line.append(chip, words);
      info.append(line);
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "delete-span";
      remove.textContent = gettext("Delete mark");
      remove.title = gettext("Delete or Backspace");
      info.append(remove);
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = gettext("Press a type key to change its type, Esc to deselect.");
      info.append(hint);
    } else if (pending) {
      const words = document.createElement("bdi");
      words.dir = "rtl";
      words.lang = "ar";
      words.textContent = "«" + pending.text + "»";
      line.append(words);
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = gettext("Press a type key or click a type to mark this text.");
      info.append(line, hint);
    } else {
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = gettext("Select text, then press a type key or click a type. Click a mark to change or delete it.");
      info.append(hint);
    }
  }

  function selectSpan(id) {
    document.querySelectorAll(".sel").forEach((el) => el.classList.remove("sel"));
    selectedId = id && marksOf(id).length ? String(id) : null;
    if (selectedId) {
      marksOf(selectedId).forEach((m) => m.classList.add("sel"));
      const item = document.querySelector('#span-list li[data-id="' + CSS.escape(selectedId) + '"]');
      if (item) {
        item.classList.add("sel");
        item.scrollIntoView({ block: "nearest" });
      }
    }
    showInfo();
  }

  function clearAll() {
    window.getSelection().removeAllRanges();
    pending = null;
    selectSpan(null);
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

  function urlFor(template, id) {
    // Templates are reversed with id 0 ("/spans/0/type/"): put the real id in its place.
    return template.replace("/0/", "/" + encodeURIComponent(id) + "/");
  }

  function applyType(type) {
    if (busy) {
      queued = () => applyType(type);
      return;
    }
    // Read the selection now: selectionchange is asynchronous and may not have fired yet.
    pending = readSelection() || pending;
    if (pending) {
      send(root.dataset.createUrl, { type: type, start: pending.start, end: pending.end });
    } else if (selectedId) {
      send(urlFor(root.dataset.typeUrl, selectedId), { type: type });
    } else {
      say(gettext("Select some text first, then choose a type."), "info");
    }
  }

  function deleteSelected() {
    if (busy) queued = deleteSelected;
    else if (selectedId) send(urlFor(root.dataset.deleteUrl, selectedId), {});
  }

  /* ---- events (delegated to stable ancestors: the text is replaced after each change) ---- */

  document.addEventListener("selectionchange", () => {
    const next = readSelection();
    if (next) {
      pending = next;
      if (selectedId) selectSpan(null); else showInfo();
    } else if (pending && window.getSelection().isCollapsed) {
      pending = null;
      showInfo();
    }
  });

  root.addEventListener("mousedown", (event) => {
    // Keep the text selection when a palette button takes the click.
    if (event.target.closest(".type-btn")) event.preventDefault();
  });

  root.addEventListener("click", (event) => {
    const typeButton = event.target.closest(".type-btn");
    if (typeButton) return applyType(typeButton.dataset.type);
    if (event.target.closest(".delete-span")) return deleteSelected();
    const item = event.target.closest(".span-item");
    if (item) {
      selectSpan(item.dataset.id);
      const first = marksOf(item.dataset.id)[0];
      if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    if (event.target.closest("#doc-text") && window.getSelection().isCollapsed) {
      const mark = event.target.closest("mark[data-id]");
      selectSpan(mark ? mark.dataset.id : null);
    }
  });

  function shortcutCode(key) {
    if (/^[0-9]$/.test(key)) return ["Digit" + key, "Numpad" + key];
    if (/^[a-z]$/i.test(key)) return ["Key" + key.toUpperCase()];
    return [];
  }

  function typeForKey(event) {
    // event.code names the physical key, so shortcuts work with an Arabic layout too.
    for (const button of root.querySelectorAll(".type-btn[data-key]")) {
      const key = button.dataset.key;
      if (!key) continue;
      if (event.key.toLowerCase() === key.toLowerCase() || shortcutCode(key).includes(event.code)) {
        return button.dataset.type;
      }
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

  function typing(target) {
    return target.closest && target.closest("input, textarea, select, [contenteditable]");
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typing(event.target)) return;
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
    const type = typeForKey(event);
    if (type) {
      applyType(type);
      event.preventDefault();
    }
  });

  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail.target;
    if (target && target.id === "editor-messages") queued = null; // refused: drop what followed
    if (!textEl() || !target || target.id !== "doc-text") return;
    window.getSelection().removeAllRanges();
    pending = null;
    const wanted = textEl().dataset.select || selectedId;
    selectSpan(wanted);
    busy = false; // normally released already, when the request's promise settled
    const next = queued;
    queued = null;
    if (next) next();
  });

  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr.status;
    if (status >= 500) {
      queued = null;
      say(interpolate(gettext("The server could not save this change (HTTP %s). Nothing was changed."), [status]), "error");
    }
  });

  document.body.addEventListener("htmx:sendError", () => {
    queued = null;
    say(gettext("The server could not be reached. Your change was not saved."), "error");
  });

  showInfo();
})();
