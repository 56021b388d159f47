// The panels beside the chart: legend, hover read-out, pinned threshold's
// 2x2 matrix, the epoch's confusion matrix and the AUC-per-epoch strip.
// Every name from the log files goes in through textContent.

import { svgElement } from "./chart.js";
import { formatNumber, toNumber } from "./roc_math.js";

export function element(tag, attributes = {}, text = null) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== null) node.textContent = text;
  return node;
}

// A value cell: formatted text, the full-precision number in data-value.
function valueCell(field, value, digits = 4) {
  return element("td", { "data-field": field, "data-value": String(value) }, formatNumber(value, digits));
}

function interval(ci) {
  if (!ci || ci.length !== 2) return "";
  const [low, high] = ci.map(toNumber);
  return Number.isFinite(low) ? ` [${formatNumber(low)}, ${formatNumber(high)}]` : "";
}

// series: what the chart drew.
export function renderLegend(box, series, multipleRuns) {
  box.replaceChildren(element("h3", {}, "Curves (AUC, DeLong interval)"));
  const list = element("ul", { class: "roc-legend-list" });
  for (const item of series) {
    const row = element("li", { class: "roc-legend-item", "data-run": item.run, "data-curve": item.curve });
    const swatch = element("span", { class: "roc-swatch" });
    swatch.style.borderTop = `3px ${item.dash ? "dashed" : "solid"} ${item.color}`;
    const label = multipleRuns ? `${item.run} · ${item.curve}` : item.curve;
    const auc = toNumber(item.data.auc);
    row.append(swatch, element("span", { class: "roc-legend-name" }, label),
      element("span", { class: "roc-legend-auc", "data-value": String(auc) }, ` AUC ${formatNumber(auc)}${interval(item.data.ci)}`));
    list.append(row);
  }
  box.append(list);
}

const READOUT_FIELDS = [
  ["threshold", "Threshold"], ["sensitivity", "Sensitivity (TPR)"], ["fpr", "False positive rate"],
  ["specificity", "Specificity"], ["ppv", "PPV (precision)"], ["npv", "NPV"], ["youden", "Youden's J"],
];

// stats: vertexStats(...) or null (macro curve: rates only).
export function renderReadout(box, item, stats, point) {
  box.replaceChildren(element("h3", {}, "At the nearest vertex"));
  if (!item) {
    box.append(element("p", { class: "roc-hint" }, "Hover over a curve; click to pin its threshold; drag to zoom, double-click to reset."));
    return;
  }
  const table = element("table", { class: "roc-readout-table" });
  const add = (field, label, value, digits) => {
    const row = element("tr");
    row.append(element("th", {}, label), valueCell(field, value, digits));
    table.append(row);
  };
  const head = element("tr");
  head.append(element("th", {}, "Curve"), element("td", { "data-field": "curve" }, `${item.run} · ${item.curve}`));
  table.append(head);
  if (stats) {
    for (const [field, label] of READOUT_FIELDS) add(field, label, stats[field], field === "threshold" ? 6 : 4);
  } else {
    add("fpr", "False positive rate", point.fpr);
    add("sensitivity", "Sensitivity (TPR)", point.tpr);
    box.append(element("p", { class: "roc-hint" }, "The macro curve averages the classes: it has no thresholds."));
  }
  box.append(table);
}

// pinned: {run, curve, threshold}; stats at the vertex holding that threshold.
export function renderPinned(box, pinned, stats, onClear) {
  box.replaceChildren();
  if (!pinned) return;
  const title = element("h3", {}, `Pinned: ${pinned.curve} (${pinned.run}), threshold ${formatNumber(pinned.threshold, 6)}`);
  const clear = element("button", { class: "roc-unpin" }, "Unpin");
  clear.addEventListener("click", onClear);
  box.append(title, clear);
  if (!stats) {
    box.append(element("p", { class: "roc-hint" }, "This epoch has no such curve."));
    return;
  }
  const table = element("table", { class: "roc-pinned-matrix", "data-threshold": String(stats.threshold) });
  const header = element("tr");
  header.append(element("th"), element("th", {}, "Predicted positive"), element("th", {}, "Predicted negative"));
  const cell = (field, count, rateName, rate) => {
    const td = element("td", { "data-field": field, "data-value": String(count) });
    td.append(element("div", { class: "roc-count" }, formatNumber(count, 8)),
      element("div", { class: "roc-rate", "data-rate": String(rate) }, `${rateName} ${formatNumber(rate)}`));
    return td;
  };
  const positives = element("tr");
  positives.append(element("th", {}, "Actual positive"), cell("tp", stats.tp, "sensitivity", stats.sensitivity),
    cell("fn", stats.fn, "miss rate", 1 - stats.sensitivity));
  const negatives = element("tr");
  negatives.append(element("th", {}, "Actual negative"), cell("fp", stats.fp, "FPR", stats.fpr),
    cell("tn", stats.tn, "specificity", stats.specificity));
  table.append(header, positives, negatives);
  const note = element("p", { class: "roc-hint" },
    `Scores ≥ ${formatNumber(stats.threshold, 6)} called positive. PPV ${formatNumber(stats.ppv)}, NPV ${formatNumber(stats.npv)}.`);
  box.append(table, note);
}

// The epoch's confusion matrix from the summary: C x C (rows true class), or
// per label [[tn, fp], [fn, tp]] for multilabel.
export function renderConfusion(box, summary, run) {
  box.replaceChildren();
  const matrix = summary && summary.confusion_matrix;
  if (!matrix) return;
  const names = summary.class_names;
  const caption = summary.task === "multiclass" ? "predicted class (argmax)" : `threshold ${formatNumber(toNumber(summary.threshold))}`;
  box.append(element("h3", {}, `Confusion matrix, ${run} (rows: true class; ${caption})`));
  const table = element("table", { class: "roc-confusion" });
  if (summary.task === "multilabel") {
    const head = element("tr");
    ["Label", "TN", "FP", "FN", "TP"].forEach((text) => head.append(element("th", {}, text)));
    table.append(head);
    matrix.forEach((cells, i) => {
      const row = element("tr");
      row.append(element("th", {}, names[i]));
      cells.flat().forEach((value) => row.append(valueCell("count", toNumber(value), 8)));
      table.append(row);
    });
  } else {
    const head = element("tr");
    head.append(element("th"));
    names.forEach((name) => head.append(element("th", {}, name)));
    table.append(head);
    matrix.forEach((cells, i) => {
      const row = element("tr");
      row.append(element("th", {}, names[i]));
      const total = cells.reduce((sum, value) => sum + toNumber(value), 0);
      cells.forEach((value) => {
        const td = valueCell("count", toNumber(value), 8);
        const share = total > 0 ? toNumber(value) / total : 0;
        td.style.background = `rgba(78, 121, 167, ${(0.85 * share).toFixed(3)})`;
        td.title = `${formatNumber(100 * share, 3)}% of the row`;
        row.append(td);
      });
      table.append(row);
    });
  }
  box.append(table);
}

const STRIP = { width: 540, height: 70, left: 56, right: 14, top: 8, bottom: 18 };

// lines: [{run, color, steps: [{step, auc}]}]; onPick(step).
export function renderStrip(box, lines, currentStep, onPick) {
  box.replaceChildren();
  const all = lines.flatMap((line) => line.steps);
  if (!all.length) return;
  const steps = all.map((s) => s.step);
  const aucs = all.map((s) => toNumber(s.auc)).filter(Number.isFinite);
  const first = Math.min(...steps);
  const last = Math.max(...steps);
  let low = aucs.length ? Math.min(...aucs) : 0;
  let high = aucs.length ? Math.max(...aucs) : 1;
  if (high - low < 1e-3) {
    low -= 5e-4;
    high += 5e-4;
  }
  const w = STRIP.width - STRIP.left - STRIP.right;
  const h = STRIP.height - STRIP.top - STRIP.bottom;
  const x = (step) => STRIP.left + (last > first ? ((step - first) / (last - first)) * w : w / 2);
  const y = (auc) => STRIP.top + (1 - (auc - low) / (high - low)) * h;
  const svg = svgElement("svg", { class: "roc-strip", width: STRIP.width, height: STRIP.height });
  const label = svgElement("text", { class: "roc-tick", x: 2, y: STRIP.top + h / 2 + 4, "text-anchor": "start" });
  label.textContent = "AUC";
  svg.append(label);
  for (const [value, yy] of [[high, STRIP.top + 8], [low, STRIP.top + h]]) {
    const tick = svgElement("text", { class: "roc-tick roc-small", x: STRIP.left - 4, y: yy, "text-anchor": "end" });
    tick.textContent = formatNumber(value, 3);
    svg.append(tick);
  }
  svg.append(svgElement("line", { class: "roc-strip-current", x1: x(currentStep), x2: x(currentStep), y1: STRIP.top, y2: STRIP.top + h }));
  for (const line of lines) {
    const finite = line.steps.filter((s) => Number.isFinite(toNumber(s.auc)));
    const d = finite.map((s, k) => `${k ? "L" : "M"}${x(s.step).toFixed(2)},${y(toNumber(s.auc)).toFixed(2)}`).join("");
    svg.append(svgElement("path", { class: "roc-strip-line", d, stroke: line.color, "data-run": line.run }));
    for (const s of finite) {
      const dot = svgElement("circle", {
        class: "roc-strip-point", cx: x(s.step), cy: y(toNumber(s.auc)), r: 4, fill: line.color,
        "data-run": line.run, "data-step": s.step,
      });
      const title = svgElement("title");
      title.textContent = `${line.run}, epoch ${s.step}: AUC ${formatNumber(toNumber(s.auc))}`;
      dot.append(title);
      dot.addEventListener("click", () => onPick(s.step));
      svg.append(dot);
    }
  }
  const axis = svgElement("text", { class: "roc-tick roc-small", x: STRIP.left + w / 2, y: STRIP.height - 3, "text-anchor": "middle" });
  axis.textContent = `epoch ${first}–${last} (click a point to show that epoch)`;
  svg.append(axis);
  box.append(svg);
}
