/* Links (relations) between two marks: l on a selected mark, pick the other mark, then
   the relation (a button or its number key). */
import { arabic, element, makeButton } from "./dom.js";
import { gettext } from "./i18n.js";
import { chipFor, showInfo } from "./panel.js";
import { later, send, urlFor } from "./requests.js";
import { loadSpanPanel } from "./spans.js";
import { marksOf, relationTypes, root, state, textOf } from "./state.js";

export function startLink() {
  if (!state.selectedId) return;
  state.linking = { source: state.selectedId, target: null };
  loadSpanPanel();
  showInfo();
}

export function cancelLink() {
  state.linking = null;
  loadSpanPanel();
  showInfo();
}

function allowedRelations(source, target) {
  const sourceType = marksOf(source)[0].dataset.t;
  const targetType = marksOf(target)[0].dataset.t;
  return relationTypes().filter((r) => r.sources.includes(sourceType) && r.targets.includes(targetType));
}

export function showLinking(info) {
  const { source, target } = state.linking;
  const line = element("p", "picked");
  line.append(chipFor(source), arabic(textOf(source)), element("span", "dir", " → "));
  if (!target) {
    info.append(line, element("p", "hint", gettext("Click the mark to link to (Esc to cancel).")));
    return;
  }
  line.append(chipFor(target), arabic(textOf(target)));
  info.append(line);
  const allowed = allowedRelations(source, target);
  if (!allowed.length) {
    info.append(element("p", "hint", gettext("The schema has no relation between these two types. Click another mark, or Esc.")));
    return;
  }
  const list = element("ul", "relation-choices");
  allowed.forEach((r, i) => {
    const button = makeButton("relation-btn", r.label, String(i + 1));
    button.dataset.action = "link";
    button.dataset.type = r.key;
    const item = element("li");
    item.append(button);
    list.append(item);
  });
  info.append(list, element("p", "hint", gettext("Choose the relation (its number key), or Esc.")));
}

export function pickLinkTarget(id) {
  if (id === state.linking.source) return;
  state.linking.target = id;
  showInfo();
}

/* The number key `n` while choosing the relation: its n-th button. */
export function linkByNumber(n) {
  const buttons = document.querySelectorAll("#selection-info .relation-btn");
  const button = buttons[n - 1];
  if (button) createLink(button.dataset.type);
}

export function createLink(type) {
  if (!state.linking || !state.linking.target) return;
  const { source, target } = state.linking;
  state.linking = null;
  send(root.dataset.relationUrl, { type, source, target }, () => marksOf(source).length > 0 && marksOf(target).length > 0);
}

export function deleteLink(relationId) {
  if (later(() => deleteLink(relationId))) return;
  send(urlFor(root.dataset.relationDeleteUrl, relationId), {},
    () => state.annotations.relations.some((r) => String(r.id) === String(relationId)));
}
