/* Small DOM helpers shared by the editor and the adjudication page. */

export const byId = (id) => document.getElementById(id);

export function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

/* Arabic words inside an interface that may be English: isolated, right to left. */
export function arabic(text) {
  const words = element("bdi", "", text);
  words.dir = "rtl";
  words.lang = "ar";
  return words;
}

export function makeButton(className, label, key) {
  const b = element("button", className, label);
  b.type = "button";
  if (key) b.append(" ", element("kbd", "", key));
  return b;
}

/* Colours come as data-colour (and a mark's nesting height as data-height), set here
   through the CSSOM: a Content-Security-Policy without 'unsafe-inline' drops style=""
   attributes in the markup, but not styles set by a script. */
export function paintColours(container) {
  if (!container || !container.querySelectorAll) return;
  const painted = Array.from(container.querySelectorAll("[data-colour], [data-height]"));
  if (container.matches && container.matches("[data-colour], [data-height]")) painted.push(container);
  for (const el of painted) {
    if (el.dataset.colour) el.style.setProperty("--c", el.dataset.colour);
    if (el.dataset.height) el.style.setProperty("--h", el.dataset.height);
  }
}

/* Keys typed into a field (the side panels' search boxes, an attribute's text) are
   text, not shortcuts; a focused checkbox or button takes no typing. */
const FIELDS = "input:not([type=checkbox]):not([type=radio]):not([type=button]):not([type=submit]), textarea, select, [contenteditable]";

export function typing(target) {
  return Boolean(target && target.closest && target.closest(FIELDS));
}
