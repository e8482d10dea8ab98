"""Timing helper shared by the benchmark scripts (not a benchmark itself)."""

from __future__ import annotations

import gc
import time
from typing import Callable

MIN_RUNS = 5
MIN_SECONDS = 0.5


def best_of(function: Callable[[], object], min_runs: int = MIN_RUNS, min_seconds: float = MIN_SECONDS,
            budget_seconds: float = 6.0, budget_runs: int = 3) -> tuple[float, int]:
    """The best wall-clock time of `function` in seconds, and how many runs it took.

    Runs at least `min_runs` times and keeps going until the runs add up to `min_seconds`, so quick
    measures are repeated enough to be steady. The budget only stops a slow measure from running far
    past the script's time limit: once `budget_runs` runs have taken `budget_seconds`, it stops
    (a measure taking seconds a run is steady enough after three). Garbage left by earlier runs is
    collected before each run so that one run does not pay for another's garbage; the collector stays
    on during the run, as it is when the program runs for real.
    """
    best = float("inf")
    total = 0.0
    runs = 0
    while runs < min_runs or total < min_seconds:
        gc.collect()
        start = time.perf_counter()
        function()
        elapsed = time.perf_counter() - start
        best = min(best, elapsed)
        total += elapsed
        runs += 1
        if runs >= budget_runs and total >= budget_seconds:
            break
    return best, runs
