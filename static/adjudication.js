/* Adjudication view: move between conflicts and settle them from the keyboard.
   j or n: next conflict; k: previous; 1-9: accept that variant of the current one;
   x: reject it; Enter: accept its pre-selected variant (the one K annotators chose, which
   is never in gold until accepted). The forms themselves post through htmx (or plainly without it); a
   refused decision is said in the page's message area (the editor's refusal protocol). */
import { paintColours, typing } from "./editor/dom.js";
import { handleRefusals } from "./editor/requests.js";

let current = 0;

function conflicts() {
  return Array.from(document.querySelectorAll("#conflicts .conflict"));
}

function focus(index) {
  const items = conflicts();
  if (!items.length) return;
  current = (index + items.length) % items.length;
  items.forEach((item, i) => item.classList.toggle("current", i === current));
  const item = items[current];
  item.focus({ preventScroll: true });
  item.scrollIntoView({ block: "nearest" });
  // The matching red mark in the text: numbered like the list.
  const mark = document.querySelector('#doc-text mark[data-t="CONFLICT"][data-id="-' + (current + 1) + '"]');
  if (mark) mark.scrollIntoView({ block: "center" });
}

function press(selector) {
  const item = conflicts()[current];
  const button = item && item.querySelector(selector);
  if (button) button.click();
}

document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) return;
  // Physical keys (event.code): the same keys work on an Arabic keyboard layout.
  const code = event.code || "";
  if (code === "KeyJ" || code === "KeyN") focus(current + 1);
  else if (code === "KeyK") focus(current - 1);
  else if (code === "KeyX") press("button.reject");
  else if (code === "Enter" || code === "NumpadEnter") {
    // Enter on a focused button or select keeps its own meaning.
    if (event.target.closest && event.target.closest("button, select, a")) return;
    press("button.accept[data-preselected]");
  }
  else if (/^(Digit|Numpad)[1-9]$/.test(code)) press('button.accept[data-variant="' + code.slice(-1) + '"]');
  else return;
  event.preventDefault();
});

if (document.getElementById("adjudication") && window.htmx) {
  // A Content-Security-Policy without 'unsafe-inline' refuses the <style> htmx would add
  // (no page uses its indicator) and style="" written by setAttribute, which htmx does
  // when it carries an old element's style over to its replacement while settling.
  htmx.config.includeIndicatorStyles = false;
  htmx.config.attributesToSettle = ["class", "width", "height"];
  htmx.onLoad(paintColours);
  handleRefusals({ boxId: "adj-messages", onRefused: () => {}, reload: () => window.location.reload() });
  // After each swap the list is new: start again at its first conflict.
  document.body.addEventListener("htmx:afterSwap", () => { current = 0; focus(0); });
}
focus(0);
