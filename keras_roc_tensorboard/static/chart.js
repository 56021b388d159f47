// The ROC chart: plain SVG, one <path class="roc-curve" data-run data-curve>
// per drawn curve. Pixel coordinates equal SVG units (no viewBox scaling).

import { formatNumber, isDrag, nearest, niceTicks } from "./roc_math.js";

const NS = "http://www.w3.org/2000/svg";
export const SIZE = { width: 540, height: 520, left: 56, right: 14, top: 12, bottom: 46 };
// A click pins the nearest vertex only within this many pixels of it.
const PIN_RADIUS = 24;
const FULL = { x0: 0, x1: 1, y0: 0, y1: 1 };

export function svgElement(tag, attributes = {}) {
  const node = document.createElementNS(NS, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

export class Chart {
  // handlers: {hover(seriesItem, vertexIndex) | hover(null), pin(seriesItem, vertexIndex), zoom(domain)}
  constructor(parent, handlers) {
    this.handlers = handlers;
    this.domain = { ...FULL };
    this.series = [];
    this.pixels = [];
    const { width, height } = SIZE;
    this.svg = svgElement("svg", { class: "roc-chart", width, height, viewBox: `0 0 ${width} ${height}` });
    const clip = svgElement("clipPath", { id: "roc-plot-clip" });
    clip.append(svgElement("rect", { x: SIZE.left, y: SIZE.top, width: this.plotWidth, height: this.plotHeight }));
    const defs = svgElement("defs");
    defs.append(clip);
    this.axes = svgElement("g", { class: "roc-axes" });
    this.curves = svgElement("g", { class: "roc-curves", "clip-path": "url(#roc-plot-clip)" });
    this.marks = svgElement("g", { class: "roc-marks", "clip-path": "url(#roc-plot-clip)" });
    this.hoverMark = svgElement("circle", { class: "roc-hover-mark", r: 5, visibility: "hidden" });
    this.pinMark = svgElement("circle", { class: "roc-pin-mark", r: 6, visibility: "hidden" });
    this.zoomRect = svgElement("rect", { class: "roc-zoom-rect", visibility: "hidden" });
    this.marks.append(this.hoverMark, this.pinMark, this.zoomRect);
    this.svg.append(defs, this.axes, this.curves, this.marks);
    parent.append(this.svg);
    this.listen();
  }

  get plotWidth() {
    return SIZE.width - SIZE.left - SIZE.right;
  }

  get plotHeight() {
    return SIZE.height - SIZE.top - SIZE.bottom;
  }

  x(fpr) {
    return SIZE.left + ((fpr - this.domain.x0) / (this.domain.x1 - this.domain.x0)) * this.plotWidth;
  }

  y(tpr) {
    return SIZE.top + (1 - (tpr - this.domain.y0) / (this.domain.y1 - this.domain.y0)) * this.plotHeight;
  }

  invert(px, py) {
    const { x0, x1, y0, y1 } = this.domain;
    return {
      fpr: x0 + ((px - SIZE.left) / this.plotWidth) * (x1 - x0),
      tpr: y0 + (1 - (py - SIZE.top) / this.plotHeight) * (y1 - y0),
    };
  }

  get zoomed() {
    const { x0, x1, y0, y1 } = this.domain;
    return x0 !== 0 || x1 !== 1 || y0 !== 0 || y1 !== 1;
  }

  setDomain(domain) {
    this.domain = domain ? { ...domain } : { ...FULL };
    this.draw(this.series);
  }

  // series: [{run, curve, kind, color, dash, points: [{fpr, tpr, index}], data}]
  draw(series) {
    this.series = series;
    this.drawAxes();
    this.curves.replaceChildren();
    this.pixels = series.map((item) => item.points.map((p) => ({ x: this.x(p.fpr), y: this.y(p.tpr) })));
    series.forEach((item, i) => {
      const points = this.pixels[i];
      const d = points.map((p, k) => `${k ? "L" : "M"}${p.x.toFixed(2)},${p.y.toFixed(2)}`).join("");
      const path = svgElement("path", {
        class: "roc-curve", d, stroke: item.color, "stroke-dasharray": item.dash || "none",
        "data-run": item.run, "data-curve": item.curve, "data-kind": item.kind, "data-step": item.step,
        "data-vertices": points.length,
      });
      this.curves.append(path);
    });
    this.hoverMark.setAttribute("visibility", "hidden");
  }

  drawAxes() {
    const { x0, x1, y0, y1 } = this.domain;
    this.axes.replaceChildren();
    const bottom = SIZE.top + this.plotHeight;
    const right = SIZE.left + this.plotWidth;
    this.axes.append(svgElement("rect", {
      class: "roc-frame", x: SIZE.left, y: SIZE.top, width: this.plotWidth, height: this.plotHeight,
    }));
    for (const t of niceTicks(x0, x1)) {
      const x = this.x(t);
      this.axes.append(svgElement("line", { class: "roc-grid", x1: x, x2: x, y1: SIZE.top, y2: bottom }));
      const label = svgElement("text", { class: "roc-tick", x, y: bottom + 16, "text-anchor": "middle" });
      label.textContent = formatNumber(t, 3);
      this.axes.append(label);
    }
    for (const t of niceTicks(y0, y1)) {
      const y = this.y(t);
      this.axes.append(svgElement("line", { class: "roc-grid", x1: SIZE.left, x2: right, y1: y, y2: y }));
      const label = svgElement("text", { class: "roc-tick", x: SIZE.left - 6, y: y + 4, "text-anchor": "end" });
      label.textContent = formatNumber(t, 3);
      this.axes.append(label);
    }
    // The chance diagonal, clipped to the view.
    const diagonal = svgElement("line", {
      class: "roc-diagonal", x1: this.x(0), y1: this.y(0), x2: this.x(1), y2: this.y(1),
      "clip-path": "url(#roc-plot-clip)",
    });
    const xLabel = svgElement("text", { class: "roc-axis-label", x: SIZE.left + this.plotWidth / 2, y: SIZE.height - 8, "text-anchor": "middle" });
    xLabel.textContent = "False positive rate (1 − specificity)";
    const yLabel = svgElement("text", {
      class: "roc-axis-label", x: 14, y: SIZE.top + this.plotHeight / 2, "text-anchor": "middle",
      transform: `rotate(-90 14 ${SIZE.top + this.plotHeight / 2})`,
    });
    yLabel.textContent = "True positive rate (sensitivity)";
    this.axes.append(diagonal, xLabel, yLabel);
  }

  // The drawn vertex nearest to pixel (px, py): {item, index, distance} or null.
  nearestVertex(px, py) {
    let best = null;
    this.pixels.forEach((points, i) => {
      const found = nearest(points, px, py);
      if (found && (best === null || found.distance < best.distance)) {
        const item = this.series[i];
        // index: the vertex in the served curve; k: the drawn point; seriesIndex: the curve.
        best = { item, index: item.points[found.index].index, k: found.index, seriesIndex: i, distance: found.distance };
      }
    });
    return best;
  }

  mark(circle, seriesIndex, k) {
    const item = this.series[seriesIndex];
    if (!item) {
      circle.setAttribute("visibility", "hidden");
      return;
    }
    const p = this.pixels[seriesIndex][k];
    circle.setAttribute("cx", p.x.toFixed(2));
    circle.setAttribute("cy", p.y.toFixed(2));
    circle.setAttribute("stroke", item.color);
    circle.setAttribute("visibility", "visible");
  }

  showPin(run, curve, vertexIndex) {
    const i = this.series.findIndex((item) => item.run === run && item.curve === curve);
    const k = i < 0 ? -1 : this.series[i].points.findIndex((p) => p.index === vertexIndex);
    if (k < 0) this.pinMark.setAttribute("visibility", "hidden");
    else this.mark(this.pinMark, i, k);
  }

  position(event) {
    const box = this.svg.getBoundingClientRect();
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  listen() {
    this.dragStart = null;
    this.svg.addEventListener("mousemove", (event) => this.onMove(this.position(event)));
    this.svg.addEventListener("mouseleave", () => {
      this.hoverMark.setAttribute("visibility", "hidden");
      this.zoomRect.setAttribute("visibility", "hidden");
      this.dragStart = null;
    });
    this.svg.addEventListener("mousedown", (event) => {
      if (event.button === 0) this.dragStart = this.position(event);
      event.preventDefault();
    });
    this.svg.addEventListener("mouseup", (event) => this.onUp(this.position(event)));
    this.svg.addEventListener("dblclick", () => this.handlers.zoom(null));
  }

  onMove(p) {
    const start = this.dragStart;
    if (start) {
      const box = { x: Math.min(start.x, p.x), y: Math.min(start.y, p.y), width: Math.abs(p.x - start.x), height: Math.abs(p.y - start.y) };
      Object.entries(box).forEach(([name, value]) => this.zoomRect.setAttribute(name, value));
      this.zoomRect.setAttribute("visibility", isDrag(start.x, start.y, p.x, p.y) ? "visible" : "hidden");
    }
    const found = this.nearestVertex(p.x, p.y);
    if (found) this.mark(this.hoverMark, found.seriesIndex, found.k);
    this.handlers.hover(found ? found.item : null, found ? found.index : null);
  }

  // A drag zooms to its rectangle; a click pins the nearest vertex.
  onUp(p) {
    const start = this.dragStart;
    if (!start) return;
    this.dragStart = null;
    this.zoomRect.setAttribute("visibility", "hidden");
    if (isDrag(start.x, start.y, p.x, p.y)) {
      const a = this.invert(start.x, start.y);
      const b = this.invert(p.x, p.y);
      this.handlers.zoom({
        x0: Math.max(0, Math.min(a.fpr, b.fpr)), x1: Math.min(1, Math.max(a.fpr, b.fpr)),
        y0: Math.max(0, Math.min(a.tpr, b.tpr)), y1: Math.min(1, Math.max(a.tpr, b.tpr)),
      });
      return;
    }
    const found = this.nearestVertex(p.x, p.y);
    if (found && found.distance <= PIN_RADIUS) this.handlers.pin(found.item, found.index);
  }
}
