"""Early warning on situation notes: pure statistics on monthly counts, no database.

A series is the number of notes of one area × topic per month of the event date, oldest first,
every month present (a month without notes is 0). The LAST value is the month judged;
everything before it is its history. Each method returns a `Finding` when it alerts and None
otherwise, also when the history is too short for it. Spread is the sample standard deviation
(ddof=1) throughout, and never below `Thresholds.sigma_floor`, so that a flat zero history
does not alert on a single note. The surge methods (EARS, historical limits, CUSUM) also stay
silent when the judged month has fewer than `min_count` notes.

- EARS (CDC's Early Aberration Reporting System, methods C1–C3, Hutwagner et al. 2003): the
  judged month against a moving baseline of the `baseline_months` months before it, leaving
  `guard_months` out between them (C2 leaves a two-unit guard so that a rise that has already
  begun does not raise its own baseline). Alert when observed > mean + k·σ. Needs at least 3
  baseline values; with fewer months than `baseline_months` it uses the ones there are.
- Historical limits (Stroup, Williamson, Herndon & Karon 1989, the method of CDC's MMWR
  notifiable-disease tables): the reference values are the same month and the months on
  either side of it in each of the `historical_years` earlier years (up to 15 values), so
  seasonal work (storms in autumn, prices before Tết) is compared with earlier autumns, not
  with the summer. Alert when observed > mean + historical_k·σ. A year counts when its same
  month exists (its neighbours are used where they exist); at least 2 years are needed.
- CUSUM (Page 1954; one-sided upper, as in EARS's C3): the last `cusum_months` months are
  standardised against a baseline taken like EARS's but before that window,
  z = (x − mean)/σ, and accumulated as S = max(0, S + z − cusum_k) from 0 at the window's
  start. Alert when S > cusum_h at the judged month: several months each a little above the
  usual, a slow build-up that no single month shows.
- Outliers across sibling areas (Iglewicz & Hoaglin 1993, the modified z-score): for one topic
  and one month, the areas of one parent are compared with each other:
  z = 0.6745·(x − median)/MAD, MAD the median absolute deviation from the median. When MAD is
  0 (most areas have the same count, often 0), the σ is 1.2533 × the mean absolute deviation
  from the median instead (the fallback of IBM SPSS and Cognos). An area is flagged when its
  count is above the median, z > outlier_z and the count is at least min_count.

`surge` chooses between the first two by the length of the history (`seasonal_after`). The
`*_matrix` functions compute the same numbers for many series at once (numpy; all rows of one
length), for the nightly run over the nation.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, TypeVar

import numpy as np
from django.conf import settings

K = TypeVar("K", bound=Hashable)

MIN_BASELINE = 3  # EARS and CUSUM: fewer baseline values than this give no judgement
MIN_YEARS = 2  # historical limits: earlier years needed
MAD_TO_SIGMA = 0.6745  # Iglewicz–Hoaglin: MAD / 0.6745 estimates σ of a normal sample
MEAN_AD_TO_SIGMA = 1.2533  # √(π/2): the mean absolute deviation × this estimates σ


@dataclass(frozen=True)
class Thresholds:
    """The tuning of the warning methods. Settings override any of them:
    `DANVAN_WARNING = {"k": 3.0}`.

    The defaults keep «surge or CUSUM» under 5 false alarms per 1,000 area-months on the
    benchmark's national data while catching the most injected surges (bench/situation.py,
    bench/RESULTS.md): a long EARS baseline (36 months; with 12, a noisier σ gave a third more
    false alarms), k = 3.5 against the skew of counts, and a σ floor of 0.75 so that in the
    many quiet series (a note a month or fewer) `min_count` notes is what alerts. Historical
    limits did no better than that EARS on 2 to 4 years of history (5 to 12 reference values),
    so `surge` turns to them only with 5 years, their full 15 values.
    """

    k: float = 3.5  # EARS: observed > mean + k·σ
    baseline_months: int = 36  # EARS and CUSUM baseline length (fewer months: what there is)
    guard_months: int = 1  # months between the baseline and the judged month (or CUSUM window)
    sigma_floor: float = 0.75  # σ never below this (above 0)
    min_count: int = 3  # no surge or CUSUM alert, nor outlier, below this many notes
    seasonal_after: int = 60  # months of history from which `surge` uses historical limits
    historical_k: float = 3.5  # historical limits: observed > mean + historical_k·σ
    historical_years: int = 5  # earlier years looked at (3 months each)
    cusum_k: float = 1.0  # CUSUM reference value in σ (half the shift it is tuned to: 2σ)
    cusum_h: float = 5.0  # CUSUM decision interval in σ
    cusum_months: int = 4  # months the CUSUM accumulates over
    outlier_z: float = 3.5  # modified z-score above which an area stands out (I&H's 3.5)
    outlier_min_areas: int = 5  # fewer sibling areas: no outlier test
    spread_communes: int = 3  # rule for the services: one topic from this many communes of
    # one parent area in one week

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"Thresholds.{f.name} must be a number, not {value!r}")
            if f.type in (int, "int") and not isinstance(value, int):
                raise ValueError(f"Thresholds.{f.name} must be a whole number, not {value!r}")
            if value < 0:
                raise ValueError(f"Thresholds.{f.name} must not be negative, not {value!r}")
        if self.sigma_floor <= 0:
            raise ValueError("Thresholds.sigma_floor must be above 0: CUSUM divides by σ")
        if self.baseline_months < MIN_BASELINE:
            raise ValueError(f"Thresholds.baseline_months must be at least {MIN_BASELINE}")
        if self.historical_years < MIN_YEARS:
            raise ValueError(f"Thresholds.historical_years must be at least {MIN_YEARS}")
        if self.cusum_months < 1:
            raise ValueError("Thresholds.cusum_months must be at least 1")

    @classmethod
    def from_settings(cls) -> Thresholds:
        """The defaults, overridden by `settings.DANVAN_WARNING` (a dict of field names).
        An unknown name is refused rather than ignored: a misspelt threshold would otherwise
        silently keep its default."""
        configured: Mapping[str, Any] = getattr(settings, "DANVAN_WARNING", {}) or {}
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(configured) - set(known))
        if unknown:
            raise ValueError(f"DANVAN_WARNING has unknown thresholds: {', '.join(unknown)}")
        values: dict[str, Any] = {}
        for name, value in configured.items():
            # Settings may write k = 3 for 3.0; whole-number fields stay strict (__post_init__).
            if known[name].type in (float, "float") and isinstance(value, int):
                value = float(value)
            values[name] = value
        return cls(**values)


@dataclass(frozen=True)
class Finding:
    """Why a method alerted, in numbers a page can show.

    observed: the judged month's count (outliers: the area's count). baseline: the mean of the
    reference values (outliers: the siblings' median). sigma: the σ used, after the floor
    (outliers: MAD/0.6745, or 1.2533 × the mean absolute deviation when MAD is 0).
    threshold: the level the observed count had to pass (ears, historical), or the statistic
    had to pass (cusum: h; outliers: outlier_z). ratio: observed/baseline, None when the
    baseline is 0. statistic: CUSUM's S or the modified z; None for ears and historical.
    reference: how many values the baseline was made of (outliers: the number of areas).
    """

    method: str
    observed: float
    baseline: float
    sigma: float
    threshold: float
    ratio: float | None
    statistic: float | None
    reference: int

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready, floats rounded to 2 decimals."""

        def rounded(value: float | None) -> float | None:
            return None if value is None else round(float(value), 2)

        return {
            "method": self.method,
            "observed": rounded(self.observed),
            "baseline": rounded(self.baseline),
            "sigma": rounded(self.sigma),
            "threshold": rounded(self.threshold),
            "ratio": rounded(self.ratio),
            "statistic": rounded(self.statistic),
            "reference": int(self.reference),
        }


@dataclass(frozen=True)
class MatrixResult:
    """One judgement per row of a count matrix. Rows that could not be judged (too little
    history) have alert False and NaN numbers; `statistic` is NaN where the method has none."""

    alert: np.ndarray
    observed: np.ndarray
    baseline: np.ndarray
    sigma: np.ndarray
    threshold: np.ndarray
    statistic: np.ndarray


def _finding(
    method: str,
    observed: float,
    baseline: float,
    sigma: float,
    threshold: float,
    statistic: float | None,
    reference: int,
) -> Finding:
    return Finding(
        method=method,
        observed=float(observed),
        baseline=float(baseline),
        sigma=float(sigma),
        threshold=float(threshold),
        ratio=float(observed) / float(baseline) if baseline != 0 else None,
        statistic=None if statistic is None else float(statistic),
        reference=int(reference),
    )


def _as_series(series: Sequence[float]) -> np.ndarray:
    values = np.asarray(series, dtype=float)
    if values.ndim != 1:
        raise ValueError("a series is one-dimensional: monthly counts, oldest first")
    return values


def _as_matrix(counts: np.ndarray) -> np.ndarray:
    matrix = np.asarray(counts, dtype=float)
    if matrix.ndim != 2:
        raise ValueError("counts has shape (n_series, n_months)")
    return matrix


# --- Reference values: which months each method compares with ------------------------------


def _ears_span(months: int, t: Thresholds) -> tuple[int, int] | None:
    """[start, end) of the EARS baseline for a series of `months` values (the last judged)."""
    end = months - 1 - t.guard_months
    start = max(0, end - t.baseline_months)
    return (start, end) if end - start >= MIN_BASELINE else None


def _historical_indices(months: int, t: Thresholds) -> list[int] | None:
    """The same month and its neighbours in each earlier year that has the same month."""
    judged = months - 1
    indices: list[int] = []
    years = 0
    for year in range(1, t.historical_years + 1):
        centre = judged - 12 * year
        if centre < 0:
            break
        years += 1
        indices.extend(i for i in (centre - 1, centre, centre + 1) if i >= 0)
    return indices if years >= MIN_YEARS else None


def _cusum_spans(months: int, t: Thresholds) -> tuple[int, int, int] | None:
    """(baseline start, baseline end, window start): the baseline ends guard_months before the
    window of the last cusum_months months, so a build-up does not raise its own baseline."""
    window = months - t.cusum_months
    end = window - t.guard_months
    start = max(0, end - t.baseline_months)
    if window < 0 or end - start < MIN_BASELINE:
        return None
    return start, end, window


def _mean_sigma(reference: np.ndarray, t: Thresholds) -> tuple[float, float]:
    return float(np.mean(reference)), max(float(np.std(reference, ddof=1)), t.sigma_floor)


# --- One series ----------------------------------------------------------------------------


def ears(series: Sequence[float], t: Thresholds) -> Finding | None:
    """EARS: observed > mean + k·σ of the moving baseline (sample σ, floored)."""
    x = _as_series(series)
    span = _ears_span(len(x), t)
    if span is None:
        return None
    reference = x[span[0] : span[1]]
    mean, sigma = _mean_sigma(reference, t)
    observed = float(x[-1])
    threshold = mean + t.k * sigma
    if observed > threshold and observed >= t.min_count:
        return _finding("ears", observed, mean, sigma, threshold, None, len(reference))
    return None


def historical_limits(series: Sequence[float], t: Thresholds) -> Finding | None:
    """Historical limits: observed > mean + historical_k·σ of the same month ±1 of the earlier
    years (sample σ, floored)."""
    x = _as_series(series)
    indices = _historical_indices(len(x), t)
    if indices is None:
        return None
    reference = x[indices]
    mean, sigma = _mean_sigma(reference, t)
    observed = float(x[-1])
    threshold = mean + t.historical_k * sigma
    if observed > threshold and observed >= t.min_count:
        return _finding("historical", observed, mean, sigma, threshold, None, len(reference))
    return None


def cusum(series: Sequence[float], t: Thresholds) -> Finding | None:
    """Upper CUSUM over the last cusum_months months, standardised by a baseline before them
    (sample σ, floored): S > cusum_h at the judged month."""
    x = _as_series(series)
    spans = _cusum_spans(len(x), t)
    if spans is None:
        return None
    start, end, window = spans
    reference = x[start:end]
    mean, sigma = _mean_sigma(reference, t)
    statistic = 0.0
    for value in x[window:]:
        statistic = max(0.0, statistic + (float(value) - mean) / sigma - t.cusum_k)
    observed = float(x[-1])
    if statistic > t.cusum_h and observed >= t.min_count:
        return _finding("cusum", observed, mean, sigma, t.cusum_h, statistic, len(reference))
    return None


def surge(series: Sequence[float], t: Thresholds) -> Finding | None:
    """Historical limits once there are seasonal_after months of history, EARS before."""
    if len(series) - 1 >= t.seasonal_after:
        return historical_limits(series, t)
    return ears(series, t)


def outliers(values: Mapping[K, float], t: Thresholds) -> dict[K, Finding]:
    """The sibling areas (one parent, one topic, one month) whose count stands out: above the
    median, modified z > outlier_z and at least min_count notes. Fewer than
    outlier_min_areas areas: no test."""
    if len(values) < t.outlier_min_areas:
        return {}
    keys = list(values)
    x = np.array([float(values[key]) for key in keys])
    median = float(np.median(x))
    deviations = np.abs(x - median)
    mad = float(np.median(deviations))
    # σ from the MAD; when MAD is 0, from the mean absolute deviation (both from the median).
    scale = mad / MAD_TO_SIGMA if mad > 0 else MEAN_AD_TO_SIGMA * float(np.mean(deviations))
    sigma = max(scale, t.sigma_floor)
    found: dict[K, Finding] = {}
    for key, value in zip(keys, x, strict=True):
        z = (float(value) - median) / sigma
        if value > median and z > t.outlier_z and value >= t.min_count:
            found[key] = _finding("outlier", value, median, sigma, t.outlier_z, z, len(keys))
    return found


# --- Many series at once -------------------------------------------------------------------


def _unjudged(matrix: np.ndarray) -> MatrixResult:
    rows = matrix.shape[0]
    nan = np.full(rows, np.nan)
    observed = matrix[:, -1].copy() if matrix.shape[1] else nan.copy()
    return MatrixResult(
        alert=np.zeros(rows, dtype=bool),
        observed=observed,
        baseline=nan.copy(),
        sigma=nan.copy(),
        threshold=nan.copy(),
        statistic=nan.copy(),
    )


def _mean_sigma_rows(reference: np.ndarray, t: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    mean = np.mean(reference, axis=1)
    sigma = np.maximum(np.std(reference, axis=1, ddof=1), t.sigma_floor)
    return mean, sigma


def _limit_result(
    matrix: np.ndarray, reference: np.ndarray, k: float, t: Thresholds
) -> MatrixResult:
    mean, sigma = _mean_sigma_rows(reference, t)
    observed = matrix[:, -1].copy()
    threshold = mean + k * sigma
    alert = (observed > threshold) & (observed >= t.min_count)
    return MatrixResult(alert, observed, mean, sigma, threshold, np.full(len(observed), np.nan))


def ears_matrix(counts: np.ndarray, t: Thresholds) -> MatrixResult:
    """`ears` for every row of counts (n_series, n_months), the last column judged."""
    matrix = _as_matrix(counts)
    span = _ears_span(matrix.shape[1], t)
    if span is None:
        return _unjudged(matrix)
    return _limit_result(matrix, matrix[:, span[0] : span[1]], t.k, t)


def historical_matrix(counts: np.ndarray, t: Thresholds) -> MatrixResult:
    """`historical_limits` for every row of counts (n_series, n_months), the last judged."""
    matrix = _as_matrix(counts)
    indices = _historical_indices(matrix.shape[1], t)
    if indices is None:
        return _unjudged(matrix)
    return _limit_result(matrix, matrix[:, indices], t.historical_k, t)


def cusum_matrix(counts: np.ndarray, t: Thresholds) -> MatrixResult:
    """`cusum` for every row of counts (n_series, n_months), the last column judged."""
    matrix = _as_matrix(counts)
    spans = _cusum_spans(matrix.shape[1], t)
    if spans is None:
        return _unjudged(matrix)
    start, end, window = spans
    mean, sigma = _mean_sigma_rows(matrix[:, start:end], t)
    statistic = np.zeros(matrix.shape[0])
    for column in range(window, matrix.shape[1]):
        statistic = np.maximum(0.0, statistic + (matrix[:, column] - mean) / sigma - t.cusum_k)
    observed = matrix[:, -1].copy()
    alert = (statistic > t.cusum_h) & (observed >= t.min_count)
    return MatrixResult(
        alert, observed, mean, sigma, np.full(len(observed), float(t.cusum_h)), statistic
    )


def surge_matrix(counts: np.ndarray, t: Thresholds) -> MatrixResult:
    """`surge` for every row: all rows share a length, so all take the same method."""
    matrix = _as_matrix(counts)
    if matrix.shape[1] - 1 >= t.seasonal_after:
        return historical_matrix(matrix, t)
    return ears_matrix(matrix, t)
