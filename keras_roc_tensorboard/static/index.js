// The ROC tab. TensorBoard loads data/plugin_entry.html?name=keras_roc in an
// iframe, which imports this module and calls render() once. Data comes from
// the plugin's routes (relative fetch: /data/plugin/keras_roc/...).
// Contract for tests: each drawn curve is <path class="roc-curve" data-run
// data-curve>; on first load the newest epoch of the first run is drawn.

import { Chart } from "./chart.js";
import { element, renderConfusion, renderLegend, renderPinned, renderReadout, renderStrip } from "./panels.js";
import { ColorBook, curvePoints, curveVertex, stepFor, vertexAtThreshold } from "./roc_math.js";

// Polling for new epochs, in case TensorBoard's reload message never comes
// (its own reload period is 30 s by default).
const POLL_MS = 30000;
// The averages, beside the classes' palette colours (one run shown).
const AVERAGE_COLORS = { micro: "#212121", macro: "#757575" };
// Epochs kept in the page (each is at most a few hundred KiB of JSON).
const MAX_CACHED_EPOCHS = 200;
const STYLE = `
body { font: 13px/1.4 Roboto, "Helvetica Neue", Arial, sans-serif; color: #212121; margin: 12px; }
.roc-error { background: #fdecea; color: #b71c1c; border: 1px solid #f5c6cb; padding: 8px; margin-bottom: 8px; white-space: pre-wrap; }
.roc-empty { color: #555; }
.roc-toolbar { display: flex; flex-wrap: wrap; gap: 16px; align-items: center; margin-bottom: 6px; }
.roc-runs { border: 1px solid #ddd; padding: 4px 8px; max-height: 120px; overflow: auto; }
.roc-runs label { display: block; white-space: nowrap; }
.roc-main { display: flex; flex-wrap: wrap; gap: 16px; align-items: flex-start; }
.roc-side { min-width: 300px; max-width: 520px; }
.roc-side h3 { font-size: 13px; margin: 10px 0 4px; }
.roc-chart { user-select: none; cursor: crosshair; }
.roc-frame { fill: none; stroke: #999; }
.roc-grid { stroke: #eee; }
.roc-diagonal { stroke: #bbb; stroke-dasharray: 4 4; }
.roc-tick { font-size: 11px; fill: #555; }
.roc-small { font-size: 10px; }
.roc-axis-label { font-size: 12px; fill: #333; }
.roc-curve { fill: none; stroke-width: 2; }
.roc-hover-mark { fill: none; stroke-width: 2; }
.roc-pin-mark { fill: rgba(0,0,0,0.15); stroke-width: 2.5; }
.roc-zoom-rect { fill: rgba(66,133,244,0.15); stroke: #4285f4; }
.roc-legend-list { list-style: none; padding: 0; margin: 0; }
.roc-legend-item { display: flex; gap: 6px; align-items: center; }
.roc-swatch { width: 22px; display: inline-block; }
.roc-legend-name { font-weight: 500; }
table { border-collapse: collapse; }
th, td { border: 1px solid #ddd; padding: 2px 6px; text-align: right; }
th { background: #fafafa; font-weight: 500; }
.roc-pinned-matrix td { min-width: 110px; }
.roc-count { font-size: 15px; }
.roc-rate { color: #555; font-size: 11px; }
.roc-hint { color: #666; font-size: 12px; margin: 4px 0; }
.roc-strip-point { cursor: pointer; }
.roc-strip-line { fill: none; stroke-width: 1.5; }
.roc-strip-current { stroke: #999; stroke-dasharray: 2 2; }
`;

async function getJson(path, params = {}) {
  const query = new URLSearchParams(params).toString();
  const response = await fetch(`./${path}${query ? "?" + query : ""}`);
  let body = null;
  try {
    body = await response.json();
  } catch (error) {
    throw new Error(`${path}: HTTP ${response.status}, not JSON (${error.message})`);
  }
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}: ${body && body.error}`);
  return body;
}

class App {
  constructor(root) {
    this.runColors = new ColorBook();
    this.curveColors = new ColorBook();
    this.runs = [];
    this.selected = new Set();
    this.steps = new Map(); // run -> [{step, auc, ...}]
    this.epochs = new Map(); // "run, step, wall time" -> epoch data (MAX_CACHED_EPOCHS)
    this.step = null;
    this.follow = true;
    this.pinned = null;
    this.generation = 0;
    this.build(root);
  }

  build(root) {
    const style = document.createElement("style");
    style.textContent = STYLE;
    document.head.append(style);
    this.errorBox = element("div", { class: "roc-error", hidden: "" });
    this.emptyBox = element("div", { class: "roc-empty", hidden: "" });
    this.runBox = element("fieldset", { class: "roc-runs" });
    this.slider = element("input", { type: "range", class: "roc-epoch-slider", min: 0, max: 0, value: 0 });
    this.epochLabel = element("span", { class: "roc-epoch-label" });
    const sliderLabel = element("label", { class: "roc-epoch" }, "Epoch ");
    sliderLabel.append(this.slider, this.epochLabel);
    this.resetZoom = element("button", { class: "roc-reset-zoom" }, "Reset zoom");
    const toolbar = element("div", { class: "roc-toolbar" });
    toolbar.append(this.runBox, sliderLabel, this.resetZoom);
    this.stripBox = element("div", { class: "roc-strip-box" });
    const main = element("div", { class: "roc-main" });
    const side = element("div", { class: "roc-side" });
    this.legendBox = element("div", { class: "roc-legend" });
    this.readoutBox = element("div", { class: "roc-readout" });
    this.pinnedBox = element("div", { class: "roc-pinned" });
    this.confusionBox = element("div", { class: "roc-confusion-box" });
    side.append(this.legendBox, this.readoutBox, this.pinnedBox);
    const app = element("div", { class: "roc-app" });
    main.append(side);
    app.append(this.errorBox, this.emptyBox, toolbar, this.stripBox, main, this.confusionBox);
    root.append(app);
    this.chart = new Chart(main, {
      hover: (item, index) => this.hover(item, index),
      pin: (item, index) => this.pin(item, index),
      zoom: (domain) => this.zoom(domain),
    });
    main.prepend(this.chart.svg);
    this.listen();
    renderReadout(this.readoutBox, null);
  }

  listen() {
    this.slider.addEventListener("input", () => {
      const steps = this.primarySteps();
      const index = Number(this.slider.value);
      this.follow = index === steps.length - 1;
      this.showStep(steps[index].step);
    });
    this.resetZoom.addEventListener("click", () => this.zoom(null));
  }

  showError(error) {
    this.errorBox.hidden = false;
    this.errorBox.textContent = `ROC tab: ${error && error.message ? error.message : error}`;
  }

  clearError() {
    this.errorBox.hidden = true;
    this.errorBox.textContent = "";
  }

  primaryRun() {
    return this.runs.map((r) => r.run).find((run) => this.selected.has(run));
  }

  primarySteps() {
    return this.steps.get(this.primaryRun()) || [];
  }

  async refresh() {
    try {
      const { runs } = await getJson("runs");
      this.runs = runs;
      runs.forEach((r) => this.runColors.color(r.run));
      const names = new Set(runs.map((r) => r.run));
      for (const run of [...this.selected]) if (!names.has(run)) this.selected.delete(run);
      if (!this.selected.size && runs.length) this.selected.add(runs[0].run);
      this.renderRuns();
      this.emptyBox.hidden = runs.length > 0;
      this.emptyBox.textContent = "No ROC data yet: keras_roc.ROCCallback(log_dir=...) writes it at every validated epoch.";
      await Promise.all([...this.selected].map(async (run) => {
        this.steps.set(run, (await getJson("steps", { run })).steps);
      }));
      const steps = this.primarySteps();
      if (!steps.length) return this.draw();
      if (this.follow || this.step === null) this.step = steps[steps.length - 1].step;
      await this.showStep(this.step);
      this.clearError();
    } catch (error) {
      this.showError(error);
    }
  }

  renderRuns() {
    this.runBox.replaceChildren(element("legend", {}, "Runs"));
    for (const { run } of this.runs) {
      const box = element("input", { type: "checkbox", class: "roc-run-toggle", "data-run": run });
      box.checked = this.selected.has(run);
      box.addEventListener("change", () => {
        if (box.checked) this.selected.add(run);
        else this.selected.delete(run);
        this.refresh();
      });
      const swatch = element("span", { class: "roc-swatch" });
      swatch.style.borderTop = `3px solid ${this.runColors.color(run)}`;
      const label = element("label");
      label.append(box, " ", swatch, " ", document.createTextNode(run));
      this.runBox.append(label);
    }
  }

  async epoch(run, step) {
    // Keyed by wall time too: a later fit into the same run rewrites its steps.
    const entry = (this.steps.get(run) || []).find((s) => s.step === step);
    const key = `${run}\u0000${step}\u0000${entry ? entry.wall_time : ""}`;
    if (!this.epochs.has(key)) {
      this.epochs.set(key, await getJson("epoch", { run, step }));
      if (this.epochs.size > MAX_CACHED_EPOCHS) this.epochs.delete(this.epochs.keys().next().value);
    }
    return this.epochs.get(key);
  }

  async showStep(step) {
    const generation = ++this.generation;
    try {
      this.step = step;
      const runs = this.runs.map((r) => r.run).filter((run) => this.selected.has(run));
      const shown = await Promise.all(runs.map(async (run) => {
        const steps = (this.steps.get(run) || []).map((s) => s.step);
        const runStep = stepFor(steps, step);
        return runStep === null ? null : this.epoch(run, runStep);
      }));
      if (generation !== this.generation) return; // a newer request won
      this.shown = shown.filter(Boolean);
      this.draw();
    } catch (error) {
      this.showError(error);
    }
  }

  series() {
    const multiple = this.shown.length > 1;
    const dashes = { class: null, micro: "6 3", macro: "2 3" };
    return this.shown.flatMap((epoch) => epoch.curves.filter((c) => !c.missing).map((curve) => ({
      run: epoch.run, step: epoch.step, curve: curve.name, kind: curve.kind, data: curve,
      color: multiple ? this.runColors.color(epoch.run) : AVERAGE_COLORS[curve.kind] || this.curveColors.color(curve.name),
      dash: multiple ? dashes[curve.kind] : (curve.kind === "class" ? null : dashes[curve.kind]),
      points: curvePoints(curve),
    })));
  }

  draw() {
    this.shown = this.shown || [];
    const steps = this.primarySteps();
    const index = Math.max(0, steps.findIndex((s) => s.step === this.step));
    this.slider.max = Math.max(0, steps.length - 1);
    this.slider.value = index;
    this.slider.disabled = steps.length < 2;
    this.epochLabel.textContent = steps.length ? ` ${this.step} of ${steps[0].step}–${steps[steps.length - 1].step}${this.follow ? " (following the newest)" : ""}` : "";
    const series = this.series();
    this.chart.draw(series);
    this.chart.svg.setAttribute("data-step", this.step === null ? "" : String(this.step));
    renderLegend(this.legendBox, series, this.shown.length > 1);
    const lines = this.runs.map((r) => r.run).filter((run) => this.selected.has(run))
      .map((run) => ({ run, color: this.runColors.color(run), steps: this.steps.get(run) || [] }));
    renderStrip(this.stripBox, lines, this.step, (step) => {
      const all = this.primarySteps();
      this.follow = all.length > 0 && step === all[all.length - 1].step;
      this.showStep(step);
    });
    const primary = this.shown.find((epoch) => epoch.run === this.primaryRun());
    renderConfusion(this.confusionBox, primary && primary.summary, primary ? primary.run : "");
    this.renderPin();
  }

  hover(item, index) {
    if (!item) return renderReadout(this.readoutBox, null);
    const point = item.points.find((p) => p.index === index);
    renderReadout(this.readoutBox, item, curveVertex(item.data, index), point);
  }

  pin(item, index) {
    const stats = curveVertex(item.data, index);
    if (!stats) return; // the macro curve has no thresholds
    this.pinned = { run: item.run, curve: item.curve, kind: item.kind, threshold: stats.threshold };
    this.renderPin();
  }

  renderPin() {
    const pinned = this.pinned;
    let stats = null;
    if (pinned) {
      const item = this.chart.series.find((s) => s.run === pinned.run && s.curve === pinned.curve && s.kind === pinned.kind);
      if (item) {
        const index = vertexAtThreshold(item.data.threshold, pinned.threshold);
        stats = curveVertex(item.data, index);
        this.chart.showPin(item.run, item.curve, index);
      } else {
        this.chart.showPin(null, null, -1);
      }
    } else {
      this.chart.showPin(null, null, -1);
    }
    renderPinned(this.pinnedBox, pinned, stats, () => {
      this.pinned = null;
      this.renderPin();
    });
  }

  zoom(domain) {
    if (domain && (domain.x1 - domain.x0 < 1e-6 || domain.y1 - domain.y0 < 1e-6)) return;
    this.chart.setDomain(domain);
    this.renderPin();
  }
}

function listenForReloads(app) {
  // TensorBoard's (unpublished) plugin protocol: the iframe posts
  // "experimental.bootstrap" with a MessagePort to its parent; the host then
  // sends JSON messages {type, id, payload, isReply} over it, among them
  // "experimental.DataReloaded" after each reload, and expects a reply.
  if (window.parent && window.parent !== window) {
    const channel = new MessageChannel();
    channel.port1.addEventListener("message", (event) => {
      let message;
      try {
        message = JSON.parse(event.data);
      } catch {
        return;
      }
      if (!message || message.isReply) return;
      if (message.type === "experimental.DataReloaded") app.refresh();
      const reply = { type: message.type, id: message.id, payload: null, error: null, isReply: true };
      channel.port1.postMessage(JSON.stringify(reply));
    });
    channel.port1.start();
    window.parent.postMessage("experimental.bootstrap", "*", [channel.port2]);
  }
  setInterval(() => app.refresh(), POLL_MS); // if the host never says so
}

export async function render() {
  const app = new App(document.body);
  window.addEventListener("error", (event) => app.showError(event.error || event.message));
  window.addEventListener("unhandledrejection", (event) => app.showError(event.reason));
  window.rocTab = app; // for debugging from the console
  listenForReloads(app);
  await app.refresh();
}
