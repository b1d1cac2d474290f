"""The order in which cells are tried for publication (GaussSuppression's ``CandidatesDefault``/``CandidatesNum``).

Cells are ordered by decreasing ``(freq + 1) · weight``, ties broken towards cells built from many inner cells
(``+ 0.99 · t / max t`` with ``t = x'x (freq + 1) · weight``); unless ``secondaryZeros``, cells with zero
frequency come first so that they are never secondary suppressed. Magnitude tables use the weight
``|value| / (freq + 1)``, which orders by ``|value|``. Floating point as in R, so ties break the same way.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

__all__ = ["candidates_default", "candidates_num"]


def _freq_plus_1(freq: np.ndarray) -> np.ndarray:
    """freq + 1, but negative frequencies (special hierarchies) move away from zero (R's ``FreqPlus1``)."""
    out = freq.astype(float) + 1
    out[out <= 0] -= 1
    return out


def candidates_default(freq: np.ndarray, x: sp.csc_matrix, *, secondary_zeros: bool = False,
                       weight: np.ndarray | None = None) -> list[int]:
    """0-based cell indices, the first most wanted for publication."""
    if weight is None:
        w: np.ndarray | float = 1.0
    else:
        w = np.where(weight < 0, 0.0, weight.astype(float))
        if w.min() == 0:
            w = w + w.max() * 1e-20
    freq1weight = _freq_plus_1(freq) * w
    xf = sp.csc_matrix(x, dtype=float)
    tie = np.abs(xf.T @ (xf @ freq1weight))
    top = tie.max() if len(tie) else 1.0
    tie = tie / top if top else tie
    order_value = np.abs(freq1weight) + 0.99 * tie
    if not secondary_zeros and len(order_value):
        zeros = freq == 0
        order_value[zeros] = 0.01 + order_value.max() + order_value[zeros]
    return np.argsort(-order_value, kind="stable").tolist()


def candidates_num(freq: np.ndarray, num: np.ndarray, x: sp.csc_matrix, *, secondary_zeros: bool = False) -> list[int]:
    """Order by |value|: ``CandidatesDefault`` with the weight ``|num| / (freq + 1)``."""
    weight = np.abs(num.astype(float) / _freq_plus_1(freq))
    return candidates_default(freq, x, secondary_zeros=secondary_zeros, weight=weight)
