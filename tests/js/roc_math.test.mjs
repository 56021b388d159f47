// Unit tests of the ROC tab's pure helpers: node --test tests/js/
import assert from "node:assert/strict";
import test from "node:test";

import {
  ColorBook, PALETTE, curvePoints, curveVertex, formatNumber, isDrag, nearest, niceTicks, stepFor,
  toNumber, vertexAtThreshold, vertexStats,
} from "../../keras_roc_tensorboard/static/roc_math.js";

test("toNumber reads TensorBoard's JSON strings for non-finite numbers", () => {
  assert.equal(toNumber("Infinity"), Infinity);
  assert.equal(toNumber("-Infinity"), -Infinity);
  assert.ok(Number.isNaN(toNumber("NaN")) && Number.isNaN(toNumber(null)));
  assert.equal(toNumber(0.25), 0.25);
});

test("vertexStats: rates, predictive values and Youden's J from counts", () => {
  const s = vertexStats(0.7, 30, 10, 40, 60);
  assert.deepEqual([s.tp, s.fp, s.fn, s.tn], [30, 10, 10, 50]);
  assert.equal(s.sensitivity, 30 / 40);
  assert.equal(s.fpr, 10 / 60);
  assert.equal(s.specificity, 1 - 10 / 60);
  assert.equal(s.ppv, 30 / 40);
  assert.equal(s.npv, 50 / 60);
  assert.equal(s.youden, 30 / 40 + (1 - 10 / 60) - 1);
});

test("vertexStats: undefined values are NaN, never a division by zero's Infinity", () => {
  const origin = vertexStats(Infinity, 0, 0, 5, 5);
  assert.ok(Number.isNaN(origin.ppv));
  assert.equal(origin.npv, 0.5);
  const noPositives = vertexStats(0.5, 0, 3, 0, 10);
  assert.ok(Number.isNaN(noPositives.sensitivity) && Number.isNaN(noPositives.youden));
  assert.equal(noPositives.fpr, 0.3);
});

test("vertexAtThreshold: the last vertex whose threshold is >= the pinned one", () => {
  const thresholds = ["Infinity", 0.9, 0.7, 0.4, 0.1];
  assert.equal(vertexAtThreshold(thresholds, 0.7), 2);
  assert.equal(vertexAtThreshold(thresholds, 0.5), 2);
  assert.equal(vertexAtThreshold(thresholds, 0.95), 0);
  assert.equal(vertexAtThreshold(thresholds, 0.0), 4);
  assert.equal(vertexAtThreshold(["Infinity"], 0.3), 0);
});

test("curvePoints and curveVertex read served curves", () => {
  const curve = { kind: "class", threshold: ["Infinity", 0.8, 0.2], tp: [0, 2, 4], fp: [0, 1, 6], positives: 4, negatives: 6 };
  assert.deepEqual(curvePoints(curve), [
    { fpr: 0, tpr: 0, index: 0 }, { fpr: 1 / 6, tpr: 0.5, index: 1 }, { fpr: 1, tpr: 1, index: 2 },
  ]);
  assert.equal(curveVertex(curve, 1).threshold, 0.8);
  const macro = { kind: "macro", fpr: [0, 0.5, 1], tpr: [0, 0.9, 1] };
  assert.deepEqual(curvePoints(macro)[1], { fpr: 0.5, tpr: 0.9, index: 1 });
  assert.equal(curveVertex(macro, 1), null);
});

test("nearest finds the closest pixel point", () => {
  assert.deepEqual(nearest([{ x: 0, y: 0 }, { x: 10, y: 0 }, { x: 3, y: 4 }], 4, 4), { index: 2, distance: 1 });
  assert.equal(nearest([], 0, 0), null);
});

test("niceTicks covers the range with round steps", () => {
  assert.deepEqual(niceTicks(0, 1), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.deepEqual(niceTicks(0.1, 0.3), [0.1, 0.15, 0.2, 0.25, 0.3]);
  assert.deepEqual(niceTicks(0.5, 0.5), [0.5]);
});

test("stepFor: the same step, else the latest before, else the first", () => {
  assert.equal(stepFor([0, 1, 2, 5], 2), 2);
  assert.equal(stepFor([0, 1, 2, 5], 4), 2);
  assert.equal(stepFor([3, 4], 1), 3);
  assert.equal(stepFor([], 1), null);
});

test("ColorBook keeps a key's colour as keys are added", () => {
  const book = new ColorBook();
  assert.equal(book.color("b"), PALETTE[0]);
  assert.equal(book.color("a"), PALETTE[1]);
  assert.equal(book.color("b"), PALETTE[0]);
});

test("formatNumber and isDrag", () => {
  assert.equal(formatNumber(0.123456), "0.1235");
  assert.equal(formatNumber(NaN), "n/a");
  assert.equal(formatNumber(Infinity), "∞");
  assert.equal(formatNumber(12), "12");
  assert.ok(isDrag(0, 0, 10, 10) && !isDrag(0, 0, 2, 30));
});
