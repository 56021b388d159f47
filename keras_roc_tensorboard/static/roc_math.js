// Pure helpers of the ROC tab (no DOM): unit-tested with `node --test`.

// Colours of runs and curves: Tableau 10, assigned in order of first sight so
// a run keeps its colour when runs are added or unticked.
export const PALETTE = [
  "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
  "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac",
];

export function colorFor(index) {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length];
}

// Hands out stable colour indices by key (run name, curve name).
export class ColorBook {
  constructor() {
    this.indices = new Map();
  }
  color(key) {
    if (!this.indices.has(key)) this.indices.set(key, this.indices.size);
    return colorFor(this.indices.get(key));
  }
}

// TensorBoard's JSON writes non-finite numbers as strings; null is undefined.
export function toNumber(value) {
  if (typeof value === "number") return value;
  if (value === "Infinity") return Infinity;
  if (value === "-Infinity") return -Infinity;
  if (value === null || value === undefined || value === "NaN") return NaN;
  return Number(value);
}

// Everything the read-out shows at one vertex (threshold, counts, totals).
// Rates as keras_roc computes them: sensitivity tp / P, FPR fp / N,
// specificity 1 - FPR, Youden's J sensitivity + specificity - 1.
export function vertexStats(threshold, tp, fp, positives, negatives) {
  const fn = positives - tp;
  const tn = negatives - fp;
  const sensitivity = positives > 0 ? tp / positives : NaN;
  const fpr = negatives > 0 ? fp / negatives : NaN;
  const specificity = 1 - fpr;
  return {
    threshold, tp, fp, fn, tn, positives, negatives, sensitivity, fpr, specificity,
    ppv: tp + fp > 0 ? tp / (tp + fp) : NaN,
    npv: tn + fn > 0 ? tn / (tn + fn) : NaN,
    youden: sensitivity + specificity - 1,
  };
}

// The points of one served curve as rates: [{fpr, tpr, index}].
export function curvePoints(curve) {
  if (curve.kind === "macro") {
    return curve.fpr.map((fpr, index) => ({ fpr: toNumber(fpr), tpr: toNumber(curve.tpr[index]), index }));
  }
  const p = toNumber(curve.positives);
  const n = toNumber(curve.negatives);
  return curve.tp.map((tp, index) => ({
    fpr: n > 0 ? toNumber(curve.fp[index]) / n : 0,
    tpr: p > 0 ? toNumber(tp) / p : 0,
    index,
  }));
}

// The stats of vertex `index` of a served curve (null for the macro curve,
// which has no thresholds or counts).
export function curveVertex(curve, index) {
  if (curve.kind === "macro") return null;
  return vertexStats(
    toNumber(curve.threshold[index]), toNumber(curve.tp[index]), toNumber(curve.fp[index]),
    toNumber(curve.positives), toNumber(curve.negatives),
  );
}

// Index of the vertex whose counts hold at `threshold` (scores >= it are
// positive): the last vertex, in decreasing thresholds, with threshold >=
// `threshold`. The first vertex (threshold Infinity) always qualifies.
export function vertexAtThreshold(thresholds, threshold) {
  let low = 0;
  let high = thresholds.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (toNumber(thresholds[middle]) >= threshold) low = middle;
    else high = middle - 1;
  }
  return low;
}

// Nearest of `points` ([{x, y}] in pixels) to (x, y): {index, distance}, or
// null for no points.
export function nearest(points, x, y) {
  let best = null;
  let bestDistance = Infinity;
  for (let index = 0; index < points.length; index += 1) {
    const dx = points[index].x - x;
    const dy = points[index].y - y;
    const distance = dx * dx + dy * dy;
    if (distance < bestDistance) {
      bestDistance = distance;
      best = index;
    }
  }
  return best === null ? null : { index: best, distance: Math.sqrt(bestDistance) };
}

// About `count` round tick values covering [low, high].
export function niceTicks(low, high, count = 5) {
  const span = high - low;
  if (!(span > 0)) return [low];
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw);
  const ticks = [];
  for (let value = Math.ceil(low / step) * step; value <= high + step * 1e-9; value += step) {
    ticks.push(Number(value.toPrecision(12)));
  }
  return ticks;
}

// A number for display: 4 significant digits, "n/a" when undefined.
export function formatNumber(value, digits = 4) {
  if (value === Infinity) return "∞";
  if (value === -Infinity) return "-∞";
  if (!Number.isFinite(value)) return "n/a";
  if (Number.isInteger(value)) return String(value);
  return String(Number(value.toPrecision(digits)));
}

// The step to show for a run given the chosen one: the same step, else the
// latest before it, else the run's first.
export function stepFor(steps, wanted) {
  let chosen = null;
  for (const step of steps) {
    if (step <= wanted && (chosen === null || step > chosen)) chosen = step;
  }
  return chosen === null ? (steps.length ? Math.min(...steps) : null) : chosen;
}

// Whether a drag from (x0, y0) to (x1, y1) is a zoom rectangle, not a click.
export const MIN_DRAG_PIXELS = 5;
export function isDrag(x0, y0, x1, y1) {
  return Math.abs(x1 - x0) >= MIN_DRAG_PIXELS && Math.abs(y1 - y0) >= MIN_DRAG_PIXELS;
}
