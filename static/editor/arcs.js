/* Arcs between marks in the editor's text, drawn in an SVG laid over the document pane.

   Positions come from the marks' getClientRects(), so they follow the browser's own
   layout: right-to-left text, marks broken across lines, nested marks. Within a line an
   arc is a low curve above the text (it stays in the gap between lines); across lines
   it leaves the lower edge of the upper mark and enters the upper edge of the lower
   one. Each arc ends in an arrowhead at its target; a label (relations) sits at its
   middle with a halo so it stays readable over text. An event's arguments differ by role:
   each role of the event type has its own colour and dash pattern (ROLE_STYLES, by the
   role's place in the type), and its name at the arc's middle in that colour, so two
   arcs from one trigger are never mistaken for each other. Call draw() again after any
   change of layout (a swap, a resize, the font arriving). */
import { byId } from "./dom.js";
import { eventData, marksOf, state, textEl, triggerOf } from "./state.js";

const NS = "http://www.w3.org/2000/svg";

/* Argument arcs by role order: colours at least 3:1 on white (WCAG for graphics) and
   apart in hue, with a dash pattern each, so they differ without colour vision too. */
export const ROLE_STYLES = [
  { colour: "#0b62a4", dash: "" },
  { colour: "#b3401a", dash: "6 3" },
  { colour: "#1d7a46", dash: "2 3" },
  { colour: "#8a3fa0", dash: "8 3 2 3" },
  { colour: "#8a6100", dash: "4 4" },
  { colour: "#444444", dash: "1 3" },
];

function node(tag, attributes) {
  const el = document.createElementNS(NS, tag);
  for (const [key, value] of Object.entries(attributes || {})) el.setAttribute(key, value);
  return el;
}

function firstRect(elements) {
  for (const el of elements || []) {
    const rects = el.getClientRects();
    if (rects.length) return rects[0];
  }
  return null;
}

function round(n) {
  return Math.round(n * 10) / 10;
}

function sameLine(from, to) {
  return Math.abs(from.top - to.top) < Math.min(from.height, to.height) / 2;
}

/* The cubic Bézier [p0, p1, p2, p3] from one rect to another, in the SVG's coordinates.
   `lift` is how high a same-line arc rises: nearer targets get lower arcs, so arcs
   from one trigger nest instead of sharing one track. */
function curve(from, to, origin, lift) {
  const x1 = (from.left + from.right) / 2 - origin.left;
  const x2 = (to.left + to.right) / 2 - origin.left;
  if (sameLine(from, to)) {
    const y = Math.min(from.top, to.top) - origin.top;
    return [[x1, y], [x1, y - lift], [x2, y - lift], [x2, y]];
  }
  const down = to.top > from.top;
  const y1 = (down ? from.bottom : from.top) - origin.top;
  const y2 = (down ? to.top : to.bottom) - origin.top;
  const bend = (down ? 1 : -1) * Math.min(24, Math.abs(y2 - y1) / 2);
  return [[x1, y1], [x1, y1 + bend], [x2, y2 - bend], [x2, y2]];
}

function lifts(placed) {
  // Same-line arcs, nearest first, rise 8, 12, 16 ... px (at most 24: the gap between lines).
  const level = new Map();
  placed
    .filter((p) => sameLine(p.from, p.to))
    .sort((a, b) => Math.abs(a.from.left - a.to.left) - Math.abs(b.from.left - b.to.left))
    .forEach((p, rank) => level.set(p, Math.min(24, 8 + 4 * rank)));
  return level;
}

function arrowhead(p2, p3) {
  // Pointing along the curve's last tangent (p2 → p3).
  let dx = p3[0] - p2[0], dy = p3[1] - p2[1];
  const length = Math.hypot(dx, dy) || 1;
  dx /= length;
  dy /= length;
  const size = 6;
  const back = [p3[0] - dx * size, p3[1] - dy * size];
  const left = [back[0] - dy * size * 0.55, back[1] + dx * size * 0.55];
  const right = [back[0] + dy * size * 0.55, back[1] - dx * size * 0.55];
  return [p3, left, right].map((p) => round(p[0]) + "," + round(p[1])).join(" ");
}

export function draw(svg, pane, arcs) {
  svg.replaceChildren();
  if (!pane || !arcs.length) return;
  const origin = svg.getBoundingClientRect();
  const labels = node("g", { class: "arc-labels" });
  const placed = [];
  for (const arc of arcs) {
    const from = firstRect(arc.from);
    const to = firstRect(arc.to);
    if (from && to) placed.push({ arc, from, to });
  }
  const level = lifts(placed);
  for (const item of placed) {
    const { arc, from, to } = item;
    const [p0, p1, p2, p3] = curve(from, to, origin, level.get(item) || 0);
    const group = node("g", { class: "arc arc-" + (arc.kind || "argument"), "data-label": arc.label || "",
                                 "data-role": arc.role || "", "data-to": arc.to_id || "" });
    group.style.setProperty("--c", arc.colour || "#555");
    const at = (p) => round(p[0]) + " " + round(p[1]);
    const d = "M" + at(p0) + " C" + at(p1) + ", " + at(p2) + ", " + at(p3);
    group.append(
      node("path", arc.dash ? { d, fill: "none", "stroke-dasharray": arc.dash } : { d, fill: "none" }),
      node("circle", { cx: round(p0[0]), cy: round(p0[1]), r: 2.5 }),
      node("polygon", { points: arrowhead(p2, p3) }),
    );
    svg.append(group);
    if (arc.label && arc.showLabel !== false) {
      // The curve's midpoint: (p0 + 3 p1 + 3 p2 + p3) / 8.
      const x = (p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8;
      const y = (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8;
      const text = node("text", { x: round(x), y: round(y - 3), "text-anchor": "middle", class: "arc-label" });
      if (arc.kind === "argument") text.style.setProperty("fill", arc.colour);
      text.textContent = arc.label;
      labels.append(text);
    }
  }
  svg.append(labels); // labels last: above every line
}


/* The editor's arcs: from the open event's trigger to its arguments, or the selected
   mark's links. */
export function drawArcs() {
  const svg = byId("arcs");
  if (!svg || !textEl()) return;
  const arcs = [];
  const data = state.selectedEvent && eventData(state.selectedEvent);
  if (data) {
    const from = triggerOf(data.id);
    data.args.forEach((arg) => {
      const style = ROLE_STYLES[(arg.order || 0) % ROLE_STYLES.length];
      arcs.push({ from, to: marksOf(arg.span), label: arg.label, colour: style.colour, dash: style.dash,
                  kind: "argument", role: arg.role, to_id: arg.span });
    });
  } else if (state.selectedId) {
    const id = state.selectedId;
    state.annotations.relations
      .filter((r) => String(r.source) === id || String(r.target) === id)
      .forEach((r) => arcs.push({ from: marksOf(r.source), to: marksOf(r.target), label: r.label, colour: r.colour, kind: "relation" }));
  }
  draw(svg, byId("doc-pane"), arcs);
}
