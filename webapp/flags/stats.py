"""The one test of "a share of 5s far above what it is compared with" (SPEC 7, 11).

Used by the kiosk drift rule (flags.rules) and the review of officials (officials.integrity):
both ask whether a share of 5s is at least MARGIN above a comparison with a two-proportion z
of at least Z_LIMIT, so they share this code instead of each keeping a z-test.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MARGIN = 0.10  # ten percentage points of 5s
Z_LIMIT = 3.0


@dataclass
class Proportion:
    fives: int
    n: int

    @property
    def share(self) -> float | None:
        return self.fives / self.n if self.n else None


def z_score(a: Proportion, b: Proportion) -> float:
    """Two-proportion z (pooled); 0 when either side is empty or the pool is degenerate."""
    if not a.n or not b.n:
        return 0.0
    pooled = (a.fives + b.fives) / (a.n + b.n)
    spread = math.sqrt(pooled * (1 - pooled) * (1 / a.n + 1 / b.n))
    return 0.0 if spread == 0 else ((a.share or 0) - (b.share or 0)) / spread


def rises_above(own: Proportion, comparison: Proportion) -> bool:
    """`own`'s share of 5s is at least MARGIN above `comparison`'s, with z >= Z_LIMIT.

    The callers decide what sample sizes are enough to judge at all."""
    if own.share is None or comparison.share is None:
        return False
    return own.share - comparison.share >= MARGIN and z_score(own, comparison) >= Z_LIMIT
