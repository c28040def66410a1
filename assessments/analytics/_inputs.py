"""Checks on the plain data the analytics take: finite numbers, one row per learner, one column per item.

Every figure function calls these first, so a bad value is refused with a ``ValueError`` that names the
learner or the item (what a caller turns into a 400 or a form error), never a numpy error or a NaN later.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real

import numpy as np


def number(value: object, what: str) -> float:
    """``value`` as a float; a bool, a string, ``None``, NaN or an infinity is refused."""
    # bool is an int: a True where a mark belongs is a caller's mistake, not a mark of 1.
    if isinstance(value, bool) or not isinstance(value, Real):
        raise ValueError(f"{what} must be a number, not {value!r}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{what} must be a finite number, not {value!r}")
    return result


def vector(values: Sequence[object], what: str) -> np.ndarray:
    """A one-dimensional sequence of numbers as a float array (``what`` names it in errors)."""
    if isinstance(values, str | bytes) or not hasattr(values, "__len__"):
        raise ValueError(f"{what} must be a sequence of numbers")
    return np.array([number(value, f"{what}[{index}]") for index, value in enumerate(values)], dtype=float)


def matrix(rows: Sequence[Sequence[object]], columns: int, what: str, missing: bool = False) -> np.ndarray:
    """Rows of exactly ``columns`` numbers each as a 2-D float array; a ragged row is refused by its index.

    With ``missing``, ``None`` is allowed and becomes NaN (an item the attempt did not draw). A float numpy
    array is checked as a whole (the reports pass one: 800,000 marks checked one by one would take a second);
    there, NaN means missing and is refused unless ``missing``.
    """
    if isinstance(rows, np.ndarray) and rows.dtype.kind == "f":
        return _array(rows, columns, what, missing)
    if isinstance(rows, str | bytes) or not hasattr(rows, "__len__"):
        raise ValueError(f"{what} must be a sequence of rows")
    checked = []
    for index, row in enumerate(rows):
        if isinstance(row, str | bytes) or not hasattr(row, "__len__"):
            raise ValueError(f"{what}: row {index} must be a sequence of numbers")
        if len(row) != columns:
            raise ValueError(f"{what}: row {index} has {len(row)} values, expected {columns} (one per item)")
        checked.append(
            [
                math.nan if missing and value is None else number(value, f"{what}[{index}][{column}]")
                for column, value in enumerate(row)
            ]
        )
    return np.array(checked, dtype=float).reshape(len(checked), columns)


def _array(rows: np.ndarray, columns: int, what: str, missing: bool) -> np.ndarray:
    if rows.ndim != 2 or rows.shape[1] != columns:
        raise ValueError(f"{what} must have {columns} columns (one per item), not shape {rows.shape}")
    bad = np.isinf(rows) if missing else ~np.isfinite(rows)
    if bad.any():
        index, column = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(f"{what}[{index}][{column}] must be a finite number, not {rows[index, column]!r}")
    return rows.astype(float, copy=False)


def in_range(values: np.ndarray, low: float, high: float, what: str) -> None:
    """Refuse any value outside [low, high], naming the first one."""
    outside = np.flatnonzero((values < low) | (values > high))
    if outside.size:
        index = int(outside[0])
        raise ValueError(f"{what}[{index}] = {values[index]:g} is outside {low:g}–{high:g}")


def constant(values: np.ndarray) -> bool:
    """True when every value is the same (exactly: a mean of equal floats need not equal them)."""
    return values.size == 0 or bool(np.all(values == values[0]))
