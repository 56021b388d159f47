"""Small numeric helpers shared by the engines, averages and summaries."""

from __future__ import annotations

import math

import numpy as np


def _dot(a, b):
    """Dot product of two vectors, without BLAS.

    BLAS may start threads even for one vector product, which on a small or
    busy machine costs far more than the product (measured 4x slower than
    this on 1M floats with 2 cores).
    """
    return np.einsum("i,i->", a, b)


def _ratio(numerator, denominator):
    return float(numerator / denominator) if denominator > 0 else math.nan
