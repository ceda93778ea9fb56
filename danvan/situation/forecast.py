"""The next months' situation notes of one area × topic: exponential smoothing (statsmodels).

The series is monthly counts, oldest first, every month present (0 for a month without
notes), ending with the last complete month. Two models are fitted with statsmodels'
`ExponentialSmoothing`, and the one with the lower AIC is kept: simple exponential smoothing
(a level only) and Holt-Winters with additive seasonality over 12 months and no trend. AIC
rather than AICc: AICc's penalty for Holt-Winters' 12 starting seasonal values made it keep the
level-only model for 4 in 10 clearly seasonal series (a yearly sine), losing half of
Holt-Winters' gain over the seasonal naive forecast on them; with AIC the level-only model
still wins on the many series without a season. Both models are fitted to the square root of the counts, which makes a
Poisson-like count's spread about the same whatever its level (Anscombe), and squared back: a
forecast near the median, slightly below the mean for low counts, which is what the absolute
error (MASE) rewards. A damped trend (with or without the season) was tried on the benchmark's
data, the road projects' rising series included, and did not lower the error. bench/situation.py
measures the result against the seasonal naive forecast (bench/RESULTS.md).

The ~80 % band comes from the fitted model's own simulation: 1,000 future paths with normal
errors of the residuals' σ (statsmodels' `simulate`, a fixed seed so a series always gets the
same band), squared back; the 10th and 90th percentiles of each month. Values and band are
never negative, and the band always holds the value.

Fewer than MIN_MONTHS months of history: `short` is True and there is no forecast (two years
are needed to see a season twice). A history of zeros only forecasts zeros with a zero band and
`short` False: nothing was said, so nothing is expected; no model is fitted.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

with warnings.catch_warnings():
    # statsmodels 0.14 decorates its functions with pandas helpers that pandas 3 deprecates
    # (Pandas4Warning, a DeprecationWarning, at import): nothing this module can act on.
    warnings.simplefilter("ignore", DeprecationWarning)
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

MIN_MONTHS = 24
SEASON = 12
BAND = 0.80
SIMULATIONS = 1_000
SIMULATION_SEED = 2026
HOLT_WINTERS = "Holt-Winters (additive seasonality, no trend)"
SIMPLE = "simple exponential smoothing (no seasonality)"
NO_NOTES = "none (no notes in the history)"
# Forecast.method is a stable English name (store it as it is); pages show these labels.
METHOD_LABELS = {
    HOLT_WINTERS: _("Holt-Winters (additive seasonality, no trend)"),
    SIMPLE: _("simple exponential smoothing (no seasonality)"),
    NO_NOTES: _("none (no notes in the history)"),
}


@dataclass(frozen=True)
class Forecast:
    """months: the months of history used; method: the model kept, a plain name (HOLT_WINTERS,
    SIMPLE or NO_NOTES; "" when short); values, lower, upper: the next `horizon` months and
    their ~80 % band; short: the history was under `needed` months, and the lists are empty."""

    months: int
    method: str
    values: list[float]
    lower: list[float]
    upper: list[float]
    short: bool
    needed: int


def forecast(series: Sequence[float], horizon: int = 3) -> Forecast:
    """The next `horizon` months after the series (monthly counts, oldest first)."""
    if horizon < 1:
        raise ValueError("horizon must be at least 1 month")
    y = np.asarray(series, dtype=float)
    if y.ndim != 1 or not np.all(np.isfinite(y)) or np.any(y < 0):
        raise ValueError("a series is monthly counts: finite, never negative, oldest first")
    months = len(y)
    if months < MIN_MONTHS:
        return Forecast(months, "", [], [], [], short=True, needed=MIN_MONTHS)
    if not y.any():
        zeros = [0.0] * horizon
        return Forecast(months, NO_NOTES, zeros, zeros, zeros, short=False, needed=MIN_MONTHS)
    root = np.sqrt(y)
    with warnings.catch_warnings():
        # Short, flat or sparse series make the optimiser warn about convergence; the fit it
        # returns is still the best it found, and AIC decides between the two models.
        warnings.simplefilter("ignore")
        fits = {
            SIMPLE: ExponentialSmoothing(root).fit(),
            HOLT_WINTERS: ExponentialSmoothing(root, seasonal="add", seasonal_periods=SEASON).fit(),
        }
        method = min(fits, key=lambda name: _finite(fits[name].aic))
        fit = fits[method]
        centre = np.asarray(fit.forecast(horizon), dtype=float)
        paths = np.asarray(
            fit.simulate(
                horizon,
                repetitions=SIMULATIONS,
                error="add",
                anchor="end",
                random_state=SIMULATION_SEED,
            ),
            dtype=float,
        ).reshape(horizon, SIMULATIONS)
    values = np.maximum(centre, 0.0) ** 2
    squared = np.maximum(paths, 0.0) ** 2
    tail = (1 - BAND) / 2
    lower = np.minimum(np.quantile(squared, tail, axis=1), values)
    upper = np.maximum(np.quantile(squared, 1 - tail, axis=1), values)
    return Forecast(
        months=months,
        method=method,
        values=[float(v) for v in values],
        lower=[float(v) for v in lower],
        upper=[float(v) for v in upper],
        short=False,
        needed=MIN_MONTHS,
    )


def _finite(value: float) -> float:
    """An information criterion that could not be computed ranks last."""
    return float(value) if np.isfinite(value) else float("inf")
