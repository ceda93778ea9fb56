"""The forecast of the next months' notes (danvan/situation/forecast.py). No database."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from danvan.situation import forecast as forecasting
from danvan.situation.forecast import MIN_MONTHS, forecast


def seasonal_series(seed: int, months: int = 51, level: float = 5.0) -> np.ndarray:
    """Poisson counts around a yearly sine: the usual shape of seasonal work."""
    rng = np.random.default_rng(seed)
    month = np.arange(months)
    mean = level * (1 + 0.6 * np.sin(2 * np.pi * month / 12))
    return rng.poisson(mean).astype(float)


def test_a_short_history_says_so_and_forecasts_nothing() -> None:
    result = forecast([3.0] * (MIN_MONTHS - 1))
    assert result.short is True
    assert (result.values, result.lower, result.upper) == ([], [], [])
    assert (result.months, result.needed) == (MIN_MONTHS - 1, 24)
    assert forecast([]).short is True


def test_a_history_of_zeros_forecasts_zeros() -> None:
    result = forecast([0] * 36)
    assert result.short is False
    assert result.method == forecasting.NO_NOTES
    assert result.values == result.lower == result.upper == [0.0, 0.0, 0.0]


def test_a_seasonal_series_gives_three_values_inside_a_non_negative_band() -> None:
    result = forecast(seasonal_series(1, months=48).tolist())
    assert result.short is False
    assert result.months == 48
    assert result.method == forecasting.HOLT_WINTERS
    assert len(result.values) == len(result.lower) == len(result.upper) == 3
    for low, value, high in zip(result.lower, result.values, result.upper, strict=True):
        assert 0 <= low <= value <= high
        assert high > low  # a real band, not a point


def test_the_forecast_follows_the_season() -> None:
    # A year ahead of 48 months: the sine peaks in month 51 (4 months ahead) and bottoms out
    # in month 57 (10 ahead); averaged over seeded series, so is the forecast.
    peaks, troughs = [], []
    for seed in range(10):
        result = forecast(seasonal_series(seed, months=48).tolist(), horizon=12)
        peaks.append(result.values[3])
        troughs.append(result.values[9])
    assert np.mean(peaks) > 1.5 * np.mean(troughs)


def test_values_and_band_are_never_negative_for_sparse_series() -> None:
    rng = np.random.default_rng(7)
    for _ in range(10):
        series = rng.poisson(0.2, 36).astype(float)
        series[0] = 1  # not all zeros
        result = forecast(series.tolist(), horizon=4)
        assert len(result.values) == 4
        assert min(result.lower) >= 0
        band = zip(result.lower, result.values, result.upper, strict=True)
        assert all(lo <= v <= hi for lo, v, hi in band)


def test_the_forecast_beats_the_seasonal_naive_on_held_out_months() -> None:
    """Mean MASE over 20 seeded seasonal series, the last 3 months held out, scaled by the
    in-sample seasonal naive MAE: the model's below the seasonal naive's, and below 1."""
    model, naive = [], []
    for seed in range(20):
        series = seasonal_series(100 + seed, months=51, level=3.0 + seed / 4)
        history, held = series[:-3], series[-3:]
        scale = np.mean(np.abs(history[12:] - history[:-12]))
        result = forecast(history.tolist(), horizon=3)
        model.append(np.mean(np.abs(held - np.array(result.values))) / scale)
        naive.append(np.mean(np.abs(held - history[-12:-9])) / scale)
    assert np.mean(model) < np.mean(naive)
    assert np.mean(model) < 1


def test_the_same_series_gets_the_same_forecast() -> None:
    series = seasonal_series(3).tolist()
    assert forecast(series) == forecast(series)


def test_statsmodels_warnings_stay_inside() -> None:
    before = list(warnings.filters)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        forecast([0.0] * 30 + [1.0, 0.0, 0.0, 5.0])
    assert caught == []
    assert warnings.filters == before


def test_refuses_what_is_not_a_count_series() -> None:
    with pytest.raises(ValueError, match="horizon"):
        forecast([1.0] * 30, horizon=0)
    with pytest.raises(ValueError, match="never negative"):
        forecast([1.0] * 29 + [-1.0])
    with pytest.raises(ValueError, match="finite"):
        forecast([1.0] * 29 + [float("nan")])


def test_every_method_has_a_translatable_label() -> None:
    assert set(forecasting.METHOD_LABELS) == {
        forecasting.HOLT_WINTERS,
        forecasting.SIMPLE,
        forecasting.NO_NOTES,
    }
    assert all(str(label) for label in forecasting.METHOD_LABELS.values())
