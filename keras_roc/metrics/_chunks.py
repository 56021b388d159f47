"""Sorted copies of unweighted problems, cut into chunks of whole tie groups.

An unweighted problem never needs an argsort of its scores (an int64 per
sample, plus permuted copies of everything): a sorted copy of the scores,
cut into chunks of whole tie groups from the highest score down, gives the
number of positives and negatives at every distinct score. The streaming
engine (`_streaming`) makes one pass over those chunks; the temporaries are
those of one chunk, so the peak memory stays near one copy of the scores.

A problem is a `_ChunkSource`: its totals and a generator of `_Chunk`s.
Three ways to make the chunks:

* `_binary_chunks`: non-negative float32/float64 scores are sorted as
  packed keys `score_bits << 1 | is_positive` (`_packed_keys`,
  `_key_chunks`, `_key_groups`); others as two sorted arrays, the
  positives' and the negatives' scores, merged chunk by chunk
  (`_merged_groups`).
* `_merged_rows_chunks`: sorted rows (one per class for the micro
  average, or one class's scores) against the sorted scores of their
  positives (`_subset_groups`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import NamedTuple

import numpy as np

#: Chunk temporaries are sized to stay under this fraction of the bytes of
#: the whole score array (all classes) given to `evaluate`...
_CHUNK_MEMORY_FRACTION = 0.5
#: ...given about this many bytes of temporaries per element of a chunk
#: (measured: a dozen int64 arrays per distinct score, at their peak).
_CHUNK_BYTES_PER_ELEMENT = 128
#: But a chunk takes at least this many elements of each sorted input: fewer
#: would let the per-chunk Python overhead dominate...
_MIN_CHUNK_ELEMENTS = 1 << 13
#: ...as long as that floor holds at most this many elements over all the
#: inputs (never less than one per input): the micro average has one input
#: per class, and 8,192 elements of each of 1,000 classes let one chunk hold
#: 8 million elements, many times the memory budget (1,000 x 20,000 float32
#: scores peaked at 6x their bytes). Two inputs, the most a one-class
#: problem has, keep the full floor per input.
_MIN_CHUNK_TOTAL = 2 * _MIN_CHUNK_ELEMENTS
#: Chunks of packed keys with this many times more scores than distinct
#: scores count the positives of each run by a binary search.
_LONG_RUNS_RATIO = 16
#: Elements per block when counting ties (a bool temporary this long).
_TIE_COUNT_BLOCK = 1 << 20
#: Unsigned integers with the bits of each float type, for packed keys.
_UNSIGNED = {np.dtype(np.float32): np.uint32, np.dtype(np.float64): np.uint64}


class _Chunk(NamedTuple):
    """The distinct scores of one chunk, ascending.

    Attributes:
        values: The chunk's scores, ascending (an array, or `_KeyScores`
            decoding packed keys where indexed).
        starts: Indices in `values` where each distinct score starts.
        pos_count: The number of positives at each distinct score.
    """

    values: object
    starts: np.ndarray
    pos_count: np.ndarray


@dataclasses.dataclass(frozen=True)
class _ChunkSource:
    """An unweighted binary problem: its totals and its chunks, highest
    scores first (a generator: the chunks are made as they are read)."""

    total_pos: int
    total_neg: int
    chunks: Iterator[_Chunk]


def _chunk_length(score_nbytes, n_inputs=1):
    """Elements of each of `n_inputs` sorted inputs that go into one chunk,
    for a problem on a score array of `score_nbytes` bytes.

    A chunk holds about `n_inputs` times this many elements in all (see
    `_tie_chunks`), which stays within the memory allowance at any
    `n_inputs`.
    """
    allowance = score_nbytes * _CHUNK_MEMORY_FRACTION
    floor = max(1, min(_MIN_CHUNK_ELEMENTS, _MIN_CHUNK_TOTAL // n_inputs))
    return max(floor, int(allowance // (_CHUNK_BYTES_PER_ELEMENT * n_inputs)))


def _tie_chunks(arrays, length):
    """Cuts ascending arrays at common values into chunks, highest first.

    A chunk holds at most `length` times `len(arrays)` elements in all (more
    only inside one run of tied scores, which is never split). Yields one
    tuple of views per chunk, one view per array.

    The cut values come from a sample of every `stride`-th element of each
    array: every `per_chunk`-th value of the sorted sample. A chunk then
    holds at most `per_chunk` sampled elements, each followed by fewer than
    `stride` unsampled ones of its array, and fewer than `stride` elements
    of each other array before its first sampled one: at most `stride *
    (per_chunk + len(arrays) - 1)` elements. With many arrays, cutting at
    every sampled value (`per_chunk` 1) would make a chunk, and a slice of
    every array, per `length` elements in all: tens of thousands for 1,000
    classes, with a bound per array and chunk. Instead half of the budget
    goes to the sampled elements and half to the rest: about `2 * total /
    (length * len(arrays))` chunks. With one or two arrays this cuts at
    every `length`-th element of each.
    """
    per_chunk = max(1, len(arrays) - 1)
    stride = max(1, length * len(arrays) // (per_chunk + len(arrays) - 1))
    sample = np.sort(np.concatenate([a[::stride] for a in arrays]))
    # The lowest sampled value is the lowest of all: nothing is below a cut.
    cuts = np.unique(sample[::per_chunk])
    del sample
    # One row of bounds per array. Each chunk takes two columns as Python
    # ints, which slice faster than NumPy integers (31 against 49 us per
    # chunk of 201 arrays).
    bounds = np.empty((len(arrays), cuts.size + 1), dtype=np.intp)
    for row, a in zip(bounds, arrays):
        row[:-1] = np.searchsorted(a, cuts, side="left")
        row[-1] = a.size
    for j in range(cuts.size - 1, -1, -1):
        lows, highs = bounds[:, j].tolist(), bounds[:, j + 1].tolist()
        yield tuple([a[low:high] for a, low, high in zip(arrays, lows, highs)])


def _run_starts(values):
    """Indices where a new value starts in a sorted array."""
    change = np.empty(values.size, dtype=bool)
    change[:1] = True
    np.not_equal(values[1:], values[:-1], out=change[1:])
    return np.flatnonzero(change)


def _ties_at_most(values, limit):
    """Whether sorted `values` has at most `limit` pairs of equal neighbours.

    Counts block by block and stops as soon as the limit is passed.
    """
    count = 0
    for start in range(0, values.size - 1, _TIE_COUNT_BLOCK):
        block = values[start : start + _TIE_COUNT_BLOCK + 1]
        count += int(np.count_nonzero(block[1:] == block[:-1]))
        if count > limit:
            return False
    return True


def _merged_unique(arrays):
    """Distinct values of ascending arrays, ascending.

    Not np.unique: it hashes (NumPy 2.3+) where merging sorted runs with
    the stable sort (timsort) takes linear time.
    """
    merged = np.sort(np.concatenate(arrays), kind="stable")
    return merged[_run_starts(merged)]


def _per_run_sums(flags, starts):
    """Sums of the 0/1 `flags` over the runs that begin at `starts`."""
    through = np.cumsum(flags, dtype=np.int64)[np.append(starts[1:], flags.size) - 1]
    return np.diff(through, prepend=0)


# ----------------------------------------------------------------------------
# One chunk's groups, from each kind of sorted input
# ----------------------------------------------------------------------------


def _subset_groups(values, positives):
    """From ascending chunks of all scores and of the positive scores."""
    starts = _run_starts(values)
    # Every positive score occurs in `values`: find the run it starts.
    group = np.searchsorted(starts, np.searchsorted(values, positives, side="left"))
    return _Chunk(values, starts, np.bincount(group, minlength=starts.size))


def _merged_groups(pos, neg):
    """From ascending chunks of the positive and of the negative scores."""
    values = np.concatenate((pos, neg))
    # Two sorted runs: the stable sort (timsort) merges them in linear time.
    order = np.argsort(values, kind="stable")
    values = values[order]
    starts = _run_starts(values)
    return _Chunk(values, starts, _per_run_sums(order < pos.size, starts))


def _packable(scores):
    """Whether `_packed_keys` applies: native float32/float64, none negative."""
    return scores.dtype in _UNSIGNED and scores.dtype.isnative and (scores.size == 0 or scores.min() >= 0)


def _packed_keys(scores, positive):
    """Sorted keys `score_bits << 1 | is_positive` of non-negative scores.

    The bits of a non-negative float sort like its value and its sign bit is
    free (shifting it out turns -0.0 into +0.0), so one sort of one array the
    size of the scores orders them and carries the labels along. It is also
    much faster than an argsort (about 4 ms against 20 ms for 1M float32).
    """
    keys = np.array(scores, order="C", copy=True).view(_UNSIGNED[scores.dtype])
    keys <<= 1
    keys |= positive  # not `where=positive`: a masked ufunc is far slower
    keys.sort()
    return keys


def _key_chunks(keys, length):
    """Chunks of sorted packed keys, whole tie groups, highest first."""
    # Move each cut to the start of its tie group (the key with label 0).
    cuts = np.searchsorted(keys, (keys[::length] >> 1) << 1, side="left")
    bounds = np.unique(np.append(cuts, keys.size))
    for j in range(bounds.size - 2, -1, -1):
        yield keys[bounds[j] : bounds[j + 1]]


class _KeyScores:
    """The scores of a chunk of packed keys, decoded where indexed."""

    def __init__(self, keys, dtype):
        self.keys, self.dtype, self.size = keys, dtype, keys.size

    def __getitem__(self, index):
        return (np.asarray(self.keys[index]) >> 1).view(self.dtype)


def _key_groups(keys, dtype):
    """From an ascending chunk of packed keys of scores of `dtype`."""
    # Neighbours hold the same score when their keys differ at most in the
    # label bit.
    change = np.empty(keys.size, dtype=bool)
    change[:1] = True
    np.greater(keys[1:] ^ keys[:-1], 1, out=change[1:])
    starts = np.flatnonzero(change)
    del change
    if starts.size * _LONG_RUNS_RATIO < keys.size:
        # Long runs of tied scores (e.g. saturated probabilities): a run's
        # negatives come first, so its positives start at its first odd
        # key. A search per run keeps the temporaries per run, not per score.
        ends = np.append(starts[1:], keys.size)
        n_pos = ends - np.searchsorted(keys, keys[starts] | 1, side="left")
    else:
        n_pos = _per_run_sums(keys & 1, starts)
    return _Chunk(_KeyScores(keys, dtype), starts, n_pos)


# ----------------------------------------------------------------------------
# Whole problems
# ----------------------------------------------------------------------------


def _binary_chunks(scores, positive):
    """Sorted copies of binary scores, as a `_ChunkSource`.

    The chunk generator holds only the sorted copy (one copy of the
    scores), not `positive`.
    """
    n_pos = int(np.count_nonzero(positive))
    n_neg = scores.size - n_pos
    if _packable(scores):
        keys = _packed_keys(scores, positive)
        dtype, length = scores.dtype, _chunk_length(scores.nbytes)
        return _ChunkSource(n_pos, n_neg, (_key_groups(k, dtype) for k in _key_chunks(keys, length)))
    # Negative scores: sort the two classes apart and merge chunk by chunk.
    pos, neg = scores[positive], scores[~positive]
    pos.sort()
    neg.sort()
    length = _chunk_length(scores.nbytes, 2)
    return _ChunkSource(n_pos, n_neg, (_merged_groups(p, q) for p, q in _tie_chunks((pos, neg), length)))


def _merged_rows_chunks(rows, positives, score_nbytes):
    """Every entry of `rows` against the `positives` among them, as a
    `_ChunkSource`.

    Each row and `positives` are sorted ascending. The arrays are cut at
    common values (`_tie_chunks`) and several rows are merged chunk by
    chunk, so only one chunk is ever sorted at a time: for the micro
    average faster than sorting all entries as one array (merging sorted
    runs), in chunk-sized memory. `score_nbytes`, the size of the whole score array,
    sets the chunk size.
    """
    arrays = [*rows, positives]
    length = _chunk_length(score_nbytes, len(arrays))

    def chunks():
        for parts in _tie_chunks(arrays, length):
            values = parts[0]
            if len(rows) > 1:
                values = np.concatenate(parts[:-1])
                values.sort(kind="stable")  # a merge of the sorted runs
            yield _subset_groups(values, parts[-1])

    n_values = sum(row.size for row in rows)
    return _ChunkSource(positives.size, n_values - positives.size, chunks())
