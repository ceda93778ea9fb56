"""The warning statistics (danvan/situation/warning.py): hand-made series with their numbers
worked out, then properties on random series against plain re-computations of each method.

No database: these are pure functions of lists of monthly counts.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence

import numpy as np
import pytest
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from danvan.situation import warning
from danvan.situation.warning import Finding, Thresholds

# Hand-made series use these, not the defaults, so that the numbers below stay worked out
# whatever the defaults are tuned to.
T = Thresholds(
    k=3.0,
    baseline_months=12,
    guard_months=1,
    sigma_floor=1.0,
    min_count=3,
    seasonal_after=24,
    historical_k=3.0,
    historical_years=5,
    cusum_k=0.5,
    cusum_h=4.0,
    cusum_months=6,
)
# Mean 2 and sample σ exactly 1: ten values one away from 2 and one value of 2.
USUAL = [1, 3, 2, 1, 3, 1, 3, 1, 3, 1, 3]


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


# --- EARS ------------------------------------------------------------------------------------


def test_ears_the_issues_example_nine_notes_against_two_plus_or_minus_one() -> None:
    # Usual 2 ± 1 a month; the guard month (20 notes, a rise already begun) is left out.
    t = Thresholds(**{**T.__dict__, "baseline_months": len(USUAL)})
    finding = warning.ears([*USUAL, 20, 9], t)
    assert finding == Finding(
        method="ears",
        observed=9.0,
        baseline=2.0,
        sigma=1.0,
        threshold=5.0,
        ratio=4.5,
        statistic=None,
        reference=11,
    )


def test_ears_stays_silent_at_the_threshold_and_alerts_just_above() -> None:
    t = Thresholds(**{**T.__dict__, "baseline_months": len(USUAL)})
    assert warning.ears([*USUAL, 2, 5], t) is None  # 5 is not above 2 + 3·1
    assert warning.ears([*USUAL, 2, 6], t) is not None


def test_ears_uses_the_last_baseline_months_only() -> None:
    # Old months of 50 lie before the 11-month baseline and do not count.
    t = Thresholds(**{**T.__dict__, "baseline_months": len(USUAL)})
    finding = warning.ears([50, 50, 50, *USUAL, 2, 9], t)
    assert finding is not None
    assert (finding.baseline, finding.sigma, finding.reference) == (2.0, 1.0, 11)


def test_the_guard_month_keeps_a_rise_out_of_its_own_baseline() -> None:
    series = [*USUAL, 9, 9]  # 9 the month before as well: the rise has begun
    with_guard = Thresholds(**{**T.__dict__, "baseline_months": 11, "guard_months": 1})
    without = Thresholds(**{**T.__dict__, "baseline_months": 11, "guard_months": 0})
    found = warning.ears(series, with_guard)
    assert found is not None and found.baseline == 2.0
    # Without the guard the first 9 joins the baseline: the last 11 months before the judged
    # month are USUAL[1:] + [9], and mean and σ grow enough that 9 no longer stands out.
    reference = [*USUAL[1:], 9]
    limit = statistics.mean(reference) + 3 * statistics.stdev(reference)
    assert limit > 9
    assert warning.ears(series, without) is None


def test_sigma_floor_keeps_a_flat_zero_history_from_alerting_on_one_note() -> None:
    zeros = [0] * 14
    assert warning.ears([*zeros, 1], T) is None
    assert warning.ears([*zeros, 3], T) is None  # 3 is not above 0 + 3 × the floor of 1
    finding = warning.ears([*zeros, 4], T)
    assert finding is not None
    assert (finding.baseline, finding.sigma, finding.threshold) == (0.0, 1.0, 3.0)
    assert finding.ratio is None  # a baseline of 0 has no ratio


def test_min_count_silences_small_counts_whatever_the_statistics_say() -> None:
    t = Thresholds(**{**T.__dict__, "sigma_floor": 0.1})
    zeros = [0] * 14
    assert warning.ears([*zeros, 2], t) is None  # 2 > 0.3, but under 3 notes
    finding = warning.ears([*zeros, 3], t)
    assert finding is not None and finding.sigma == 0.1


def test_ears_needs_three_baseline_values() -> None:
    # With one guard month, 4 values leave 2 in the baseline, 5 leave 3.
    assert warning.ears([0, 0, 0, 50], T) is None
    assert warning.ears([0, 0, 0, 0, 50], T) is not None
    assert warning.ears([50], T) is None
    assert warning.ears([], T) is None


# --- Historical limits -----------------------------------------------------------------------


def test_historical_limits_take_the_same_month_and_its_neighbours_of_earlier_years() -> None:
    # 36 months of history, judged month 36: the references are months 23-25, 11-13 and,
    # of the third year, 0 and 1 (its month -1 does not exist). Every other month is 100,
    # so any wrong pick would show in the mean.
    series = [100.0] * 37
    picked = {23: 2, 24: 3, 25: 1, 11: 2, 12: 4, 13: 2, 0: 1, 1: 1}
    for month, value in picked.items():
        series[month] = value
    series[36] = 12
    finding = warning.historical_limits(series, T)
    values = list(picked.values())
    assert finding is not None
    assert finding.method == "historical"
    assert finding.reference == 8
    assert finding.baseline == approx(statistics.mean(values))
    assert finding.sigma == approx(statistics.stdev(values))
    assert finding.threshold == approx(statistics.mean(values) + 3 * statistics.stdev(values))
    assert finding.statistic is None


def test_historical_limits_look_back_at_most_historical_years() -> None:
    # 7 years of history; only the 2 latest years count with historical_years=2.
    t = Thresholds(**{**T.__dict__, "historical_years": 2})
    series = [100.0] * 85
    for month in (59, 60, 61, 71, 72, 73):
        series[month] = 1
    series[84] = 9
    finding = warning.historical_limits(series, t)
    assert finding is not None
    assert (finding.reference, finding.baseline, finding.sigma) == (6, 1.0, 1.0)


def test_historical_limits_need_two_earlier_years() -> None:
    # 23 months of history: the same month two years back (month -1) does not exist.
    assert warning.historical_limits([1.0] * 23 + [50], T) is None
    finding = warning.historical_limits([1.0] * 24 + [50], T)
    assert finding is not None
    assert finding.reference == 5  # months 11-13, then 0 and 1


def test_surge_chooses_by_the_length_of_the_history() -> None:
    # The same months of earlier years had 10 notes, the last months 0: against the recent
    # months (EARS) 9 notes stand out, against the earlier years (historical) they do not.
    series = [0.0] * 38  # 37 months of history before the judged month 37
    for month in (0, 1, 2, 12, 13, 14, 24, 25, 26):
        series[month] = 10.0
    series[37] = 9.0
    short = Thresholds(**{**T.__dict__, "seasonal_after": 38, "baseline_months": 6})
    long = Thresholds(**{**T.__dict__, "seasonal_after": 37, "baseline_months": 6})
    found = warning.surge(series, short)
    assert found is not None and found.method == "ears"
    assert warning.surge(series, long) is None
    assert warning.historical_limits(series, long) is None


# --- CUSUM -----------------------------------------------------------------------------------


def test_cusum_catches_a_slow_build_up_that_ears_misses() -> None:
    # A year of 2 ± 1, then 3, 4, 4, 5, 5, 6 notes: each month a little above the last.
    t = Thresholds(**{**T.__dict__, "baseline_months": 11})
    series = [*USUAL, 2, 3, 4, 4, 5, 5, 6]
    assert warning.ears(series, t) is None
    finding = warning.cusum(series, t)
    assert finding is not None
    # Baseline: the 11 months ending one guard month before the 6-month window → USUAL.
    # z = 1, 2, 2, 3, 3, 4; S = 0.5, 2, 3.5, 6, 8.5, 12.
    assert finding == Finding(
        method="cusum",
        observed=6.0,
        baseline=2.0,
        sigma=1.0,
        threshold=4.0,
        ratio=3.0,
        statistic=12.0,
        reference=11,
    )


def test_cusum_forgets_months_before_its_window_and_resets_at_zero() -> None:
    t = Thresholds(**{**T.__dict__, "baseline_months": 11, "cusum_months": 3})
    # Within the window: z = -2, 4, 1 → S = 0, 3.5, 4.0: not above h = 4.
    assert warning.cusum([*USUAL, 2, 0, 6, 3], t) is None
    # z = 4, 4, 1 → S = 3.5, 7, 7.5.
    finding = warning.cusum([*USUAL, 2, 6, 6, 3], t)
    assert finding is not None and finding.statistic == 7.5


def test_cusum_needs_a_baseline_before_its_window() -> None:
    # cusum_months 6 + guard 1 + 3 baseline values = 10 months at least.
    assert warning.cusum([0, 0] + [9] * 7, T) is None
    finding = warning.cusum([0, 0, 0] + [9] * 7, T)
    assert finding is not None and finding.reference == 3


# --- Outliers --------------------------------------------------------------------------------


def test_outliers_with_mad_zero_fall_back_on_the_mean_absolute_deviation() -> None:
    values = {"a": 0, "b": 0, "c": 0, "d": 0, "e": 0, "f": 1, "g": 6}
    found = warning.outliers(values, T)
    assert list(found) == ["g"]
    sigma = 1.2533 * (1 + 6) / 7  # MAD is 0; 1.2533 × the mean absolute deviation
    assert found["g"] == Finding(
        method="outlier",
        observed=6.0,
        baseline=0.0,
        sigma=approx(sigma),
        threshold=3.5,
        ratio=None,
        statistic=approx(6 / sigma),
        reference=7,
    )


def test_outliers_use_the_modified_z_score() -> None:
    values = dict(enumerate([2, 3, 3, 4, 4, 5, 5, 6, 20]))
    found = warning.outliers(values, T)
    # Median 4; absolute deviations 2,1,1,0,0,1,1,2,16 → MAD 1; z = 0.6745 × (20 − 4) / 1.
    assert list(found) == [8]
    assert found[8].baseline == 4.0
    assert found[8].sigma == approx(1 / 0.6745)
    assert found[8].statistic == approx(0.6745 * 16)
    assert found[8].ratio == 5.0


def test_outliers_floor_sigma_and_keep_min_count() -> None:
    quiet: dict[object, int] = dict.fromkeys(range(8), 0)
    # MAD 0 and mean absolute deviation 2/9: σ is the floor; z = 2 is under 3.5.
    assert warning.outliers({**quiet, "x": 2}, T) == {}
    # With a tiny floor, z = 2 / (1.2533·2/9) ≈ 7.2, but 2 notes are under min_count.
    low_floor = Thresholds(**{**T.__dict__, "sigma_floor": 0.01})
    assert warning.outliers({**quiet, "x": 2}, low_floor) == {}
    assert list(warning.outliers({**quiet, "x": 5}, T)) == ["x"]


def test_outliers_need_enough_areas_and_look_above_the_median_only() -> None:
    assert warning.outliers({"a": 0, "b": 0, "c": 0, "d": 30}, T) == {}
    assert list(warning.outliers({"a": 0, "b": 0, "c": 0, "d": 0, "e": 30}, T)) == ["e"]
    high: dict[object, int] = dict.fromkeys(range(8), 20)
    assert warning.outliers({**high, "low": 0}, T) == {}


# --- Finding, Thresholds ---------------------------------------------------------------------


def test_finding_as_dict_is_json_ready_and_rounded() -> None:
    finding = warning.historical_limits([1.0, 2, 4] * 8 + [1.0, 30], T)
    assert finding is not None
    data = finding.as_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["method"] == "historical"
    assert data["baseline"] == round(finding.baseline, 2)
    assert data["sigma"] == round(finding.sigma, 2)
    assert data["ratio"] == round(30 / finding.baseline, 2)
    assert data["statistic"] is None
    assert data["reference"] == 6


def test_thresholds_from_settings() -> None:
    with override_settings(DANVAN_WARNING={"k": 2, "min_count": 4}):
        t = Thresholds.from_settings()
    assert t.k == 2.0 and isinstance(t.k, float)
    assert t.min_count == 4
    assert t.baseline_months == Thresholds().baseline_months
    with override_settings(DANVAN_WARNING={}):
        assert Thresholds.from_settings() == Thresholds()
    with override_settings(DANVAN_WARNING={"kk": 2}), pytest.raises(ValueError, match="kk"):
        Thresholds.from_settings()
    with override_settings(DANVAN_WARNING={"min_count": 2.5}), pytest.raises(ValueError):
        Thresholds.from_settings()


def test_thresholds_refuse_values_that_cannot_work() -> None:
    with pytest.raises(ValueError, match="sigma_floor"):
        Thresholds(sigma_floor=0)
    with pytest.raises(ValueError, match="baseline_months"):
        Thresholds(baseline_months=2)
    with pytest.raises(ValueError, match="k"):
        Thresholds(k=-1)


# --- Properties against plain re-computations -------------------------------------------------


def plain_ears(x: Sequence[float], t: Thresholds) -> tuple[list[float], float] | None:
    """The reference values and the limit, written out month by month."""
    judged = len(x) - 1
    reference = [
        x[i] for i in range(judged - t.guard_months - t.baseline_months, judged - t.guard_months)
        if i >= 0
    ]  # fmt: skip
    if len(reference) < 3:
        return None
    sigma = max(statistics.stdev(reference), t.sigma_floor)
    return reference, statistics.mean(reference) + t.k * sigma


def plain_historical(x: Sequence[float], t: Thresholds) -> tuple[list[float], float] | None:
    judged = len(x) - 1
    reference: list[float] = []
    years = 0
    for year in range(1, t.historical_years + 1):
        same = judged - 12 * year
        if same < 0:
            break
        years += 1
        for month in (same - 1, same, same + 1):
            if month >= 0:
                reference.append(x[month])
    if years < 2:
        return None
    sigma = max(statistics.stdev(reference), t.sigma_floor)
    return reference, statistics.mean(reference) + t.historical_k * sigma


def plain_cusum(x: Sequence[float], t: Thresholds) -> tuple[list[float], float] | None:
    window = len(x) - t.cusum_months
    end = window - t.guard_months
    reference = [x[i] for i in range(end - t.baseline_months, end) if i >= 0]
    if window < 0 or len(reference) < 3:
        return None
    mean = statistics.mean(reference)
    sigma = max(statistics.stdev(reference), t.sigma_floor)
    s = 0.0
    for value in x[window:]:
        s = max(0.0, s + (value - mean) / sigma - t.cusum_k)
    return reference, s


@st.composite
def surged_series(draw: st.DrawFn) -> list[float]:
    """Poisson counts of a random usual level, lengths 6..60, with a surge of random size
    (possibly none) at the last month."""
    length = draw(st.integers(6, 60))
    level = draw(st.floats(0.1, 8.0))
    seed = draw(st.integers(0, 2**32 - 1))
    counts = np.random.default_rng(seed).poisson(level, length).astype(float)
    counts[-1] += draw(st.integers(0, 30))
    return [float(c) for c in counts]


thresholds = st.builds(
    Thresholds,
    k=st.sampled_from([2.0, 3.0, 3.5]),
    baseline_months=st.integers(3, 36),
    guard_months=st.integers(0, 2),
    sigma_floor=st.sampled_from([0.5, 0.75, 1.0]),
    min_count=st.integers(0, 4),
    historical_k=st.sampled_from([2.0, 3.0]),
    historical_years=st.integers(2, 5),
    cusum_k=st.sampled_from([0.5, 1.0]),
    cusum_h=st.sampled_from([2.0, 4.0, 5.0]),
    cusum_months=st.integers(1, 8),
)


def check_limit(found: Finding | None, plain: tuple[list[float], float] | None, x: list[float],
                t: Thresholds, k: float) -> None:  # fmt: skip
    if plain is None:
        assert found is None
        return
    reference, limit = plain
    alerts = x[-1] > limit and x[-1] >= t.min_count
    if abs(x[-1] - limit) > 1e-9:  # at an exact tie the last bit of σ decides
        assert (found is not None) == alerts
    if found is not None:
        mean = statistics.mean(reference)
        assert found.observed == x[-1]
        assert found.baseline == approx(mean)
        assert found.sigma == approx(max(statistics.stdev(reference), t.sigma_floor))
        assert found.threshold == approx(limit)
        assert found.threshold == approx(mean + k * found.sigma)
        assert found.reference == len(reference)
        assert found.ratio == (None if mean == 0 else approx(x[-1] / mean))


@settings(max_examples=60, deadline=None)
@given(x=surged_series(), t=thresholds)
def test_every_finding_equals_a_plain_computation(x: list[float], t: Thresholds) -> None:
    check_limit(warning.ears(x, t), plain_ears(x, t), x, t, t.k)
    check_limit(warning.historical_limits(x, t), plain_historical(x, t), x, t, t.historical_k)
    found, plain = warning.cusum(x, t), plain_cusum(x, t)
    if plain is None:
        assert found is None
    else:
        reference, s = plain
        if abs(s - t.cusum_h) > 1e-9:
            assert (found is not None) == (s > t.cusum_h and x[-1] >= t.min_count)
        if found is not None:
            assert found.statistic == approx(s)
            assert found.baseline == approx(statistics.mean(reference))
            assert found.sigma == approx(max(statistics.stdev(reference), t.sigma_floor))
            assert found.threshold == t.cusum_h
            assert found.reference == len(reference)
    chosen = warning.surge(x, t)
    expected = (
        warning.historical_limits(x, t) if len(x) - 1 >= t.seasonal_after else warning.ears(x, t)
    )
    assert chosen == expected


@st.composite
def count_matrices(draw: st.DrawFn) -> np.ndarray:
    rows = draw(st.integers(1, 8))
    length = draw(st.integers(6, 60))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    levels = rng.uniform(0.1, 6.0, rows)[:, None]
    counts = rng.poisson(levels, (rows, length)).astype(float)
    counts[:, -1] += rng.integers(0, 25, rows)
    return counts


MATRIX_PAIRS = [
    (warning.ears_matrix, warning.ears),
    (warning.historical_matrix, warning.historical_limits),
    (warning.cusum_matrix, warning.cusum),
    (warning.surge_matrix, warning.surge),
]


def check_matrix_against_scalar(counts: np.ndarray, t: Thresholds) -> int:
    """Same alerts and, where they alert, the same numbers; returns the alerts seen."""
    alerts = 0
    for matrix_method, scalar_method in MATRIX_PAIRS:
        result = matrix_method(counts, t)
        assert result.alert.shape == (len(counts),)
        for row, series in enumerate(counts):
            found = scalar_method(series.tolist(), t)
            assert bool(result.alert[row]) == (found is not None)
            assert result.observed[row] == series[-1]
            if found is None:
                continue
            alerts += 1
            assert result.baseline[row] == approx(found.baseline)
            assert result.sigma[row] == approx(found.sigma)
            assert result.threshold[row] == approx(found.threshold)
            if found.statistic is None:
                assert np.isnan(result.statistic[row])
            else:
                assert result.statistic[row] == approx(found.statistic)
    return alerts


@settings(max_examples=60, deadline=None)
@given(counts=count_matrices(), t=thresholds)
def test_matrix_versions_agree_with_the_scalar_ones(counts: np.ndarray, t: Thresholds) -> None:
    check_matrix_against_scalar(counts, t)
    # And their numbers for rows that did not alert match the plain computation too.
    result = warning.ears_matrix(counts, t)
    plain = plain_ears(counts[0].tolist(), t)
    if plain is None:
        assert np.isnan(result.threshold[0])
    else:
        assert result.threshold[0] == approx(plain[1])


def test_matrix_and_scalar_agree_on_a_seeded_nation_sample() -> None:
    rng = np.random.default_rng(2026)
    levels = rng.uniform(0.2, 4.0, 400)[:, None]
    counts = rng.poisson(levels, (400, 40)).astype(float)
    counts[::3, -1] += rng.integers(3, 15, len(counts[::3]))
    counts[1::5, -6:] += np.arange(1, 7)  # slow build-ups for the CUSUM
    t = Thresholds(seasonal_after=30, baseline_months=24)
    assert check_matrix_against_scalar(counts, t) > 100


def test_matrices_too_short_to_judge_alert_nowhere() -> None:
    counts = np.full((3, 4), 9.0)
    for matrix_method, _scalar in MATRIX_PAIRS:
        result = matrix_method(counts, T)
        assert not result.alert.any()
        assert np.isnan(result.threshold).all()
        assert (result.observed == 9.0).all()
