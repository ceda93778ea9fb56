"""People's situation: early warning and forecast at national scale (the statistics).

The generator (numpy, seeded; no database) draws five years of monthly counts of situation
notes for 3,321 communes × 13 topics (43,173 series × 60 months, January first) from Poisson
means that differ by commune (a log-normal activity) and by topic, mostly low (0.2–4 a month),
with seasonality where the work has it — natural disasters in September–November (strong in
the 40 % of communes on the coast or in the central provinces, mild elsewhere), prices and
livelihood before Tết (December–February), labour and wages at Tết (January) — and land
clearance rising around a road project in 300 communes (a six-month ramp to three times the
usual, lasting). Into 2,000 series it injects surges of known size and month: from month 25,
round(m·σ) notes more, σ the cell's Poisson σ that month (√mean, floored at 1), m drawn from
3, 4, 5 and 6; a quarter of them are slow build-ups over three months (a third, two thirds,
then the whole size). The road projects are not injected surges: alerts on them count as
false alarms.

Measured, for each month 25..59 judged with what was known then (the matrix functions of
danvan/situation/warning.py on the months up to it), with the default `Thresholds()`:
- detection: the share of injected surges alerted in their month or the month after (for a
  build-up, from its first month to the month after its peak), by size;
- false alarms per 1,000 area-months: alerts in (series, month) pairs outside every injected
  surge's window, over all such pairs of months 25..59;
  for EARS, historical limits, `surge` (the method the series' length chooses), CUSUM,
  «surge or CUSUM» (what the daily run raises), and a plain fixed rule (at least 5 notes in
  the month); then `surge` with other k and σ floors (the trade-off), the false alarms of a
  young system (months 6..24, short baselines), and EARS against historical limits with 5 to 7
  years of history (the generator run for 84 months);
- forecast: the mean MASE of `forecast()` (danvan/situation/forecast.py) over 300 series held
  out for their last 3 months, and over 100 series of the two seasonal topics, against the
  seasonal naive forecast (the same months a year before), both scaled by the in-sample
  seasonal naive MAE; how often the ~80 % band holds the held-out counts; the time per series;
- the engine's time for the nation: surge and CUSUM alerts for every series for the latest
  month, from the count matrix.
BLAS runs single-threaded (OPENBLAS_NUM_THREADS=1 unless set): the forecast's fits are small,
and on a shared machine BLAS threads waiting on busy CPUs made them several times slower.
Run by `make bench` (bench/run.py), or alone: `.venv/bin/python bench/situation.py`.
"""

from __future__ import annotations

import datetime
import io
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

# Before numpy loads (bench/run.py imports this module before any benchmark runs).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np

from danvan.situation import forecast as forecasting
from danvan.situation import warning

SEED = 2026
COMMUNES = 3_321
MONTHS = 60
FIRST_JUDGED = 25
YOUNG = 6  # the first month judged in the «young system» false-alarm count
SURGES = 2_000
BUILD_UP_SHARE = 0.25
SIZES = (3, 4, 5, 6)
ROAD_COMMUNES = 300
FORECAST_SERIES = 300
SEASONAL_SERIES = 100  # a second sample: natural disasters and prices only
HORIZON = 3
FIXED_RULE = 5
TOPICS: list[tuple[str, float]] = [  # (topic, usual notes a month in a commune of median activity)
    ("land clearance", 0.8),
    ("natural disasters", 0.4),
    ("prices and livelihood", 1.0),
    ("environmental pollution", 0.7),
    ("land disputes and complaints", 1.0),
    ("social policy and insurance", 0.6),
    ("health care", 0.5),
    ("education", 0.5),
    ("security and order", 0.8),
    ("administrative procedures", 0.6),
    ("corruption and wrongdoing", 0.3),
    ("labour and wages", 0.5),
    ("religion and ethnic affairs", 0.2),
]
LAND, DISASTERS, PRICES, LABOUR = 0, 1, 2, 11
TARGETS = {
    "detection": 0.90,
    "false_alarms": 5.0,
    "mase": 1.0,
    "forecast_ms": 100.0,
    "nation_s": 60.0,
}
RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
START, END = "<!-- bench:situation:start -->", "<!-- bench:situation:end -->"
HEADING = "People's situation: early warning and forecast"


@dataclass
class Data:
    counts: np.ndarray  # (series, months); series = commune × 13 + topic
    means: np.ndarray  # the Poisson means the counts were drawn from, before the surges
    surge_series: np.ndarray  # per injected surge: its series,
    peak: np.ndarray  # the month it peaks,
    surge_first: np.ndarray  # its first month (peak − 2 for a build-up),
    surge_size: np.ndarray  # m, its size in σ
    road: np.ndarray  # series index of the land-clearance series of the road communes
    first_judged: int
    seconds: float

    @property
    def months(self) -> int:
        return int(self.counts.shape[1])


@dataclass
class Detection:
    method: str
    caught: dict[str, float]  # share caught by size label ("3σ", …, "all", "build-ups")
    false_alarms: float  # per 1,000 area-months
    false_alarms_road: float  # of which on the road projects' land clearance
    false_alarms_seasonal: float  # of which on disasters and prices


@dataclass
class ForecastResult:
    series: int
    mase_model: float
    mase_naive: float
    better: float  # share of series where the model's MASE is below the naive's
    coverage: float  # share of held-out counts inside the ~80 % band
    ms_mean: float
    ms_p95: float
    methods: dict[str, int]
    seasonal_series: int  # of which natural disasters on the coast or prices
    seasonal_model: float
    seasonal_naive: float


@dataclass
class Result:
    date: str
    machine: dict[str, str]
    thresholds: warning.Thresholds
    data: Data
    detections: list[Detection]
    curve: list[tuple[float, float, Detection]]  # (k, sigma_floor, surge with them)
    young: dict[str, float]  # false alarms per 1,000 in months YOUNG..FIRST_JUDGED-1
    long_history: list[Detection]  # EARS and historical limits on 5–7 years of history
    forecast: ForecastResult
    nation_ms: float  # surge + CUSUM for every series, latest month
    sweep_s: float  # the four methods over every judged month
    seconds: float = 0.0
    db: list[str] | None = None  # the database part (bench/situation_db.py), markdown lines


Method = Callable[[np.ndarray, warning.Thresholds], warning.MatrixResult]


# --- The generator -------------------------------------------------------------------------


def generate(seed: int = SEED, months: int = MONTHS, first_judged: int = FIRST_JUDGED) -> Data:
    started = time.perf_counter()
    rng = np.random.default_rng(seed)
    topics = len(TOPICS)
    activity = rng.lognormal(0.0, 0.6, COMMUNES)
    rate = np.array([r for _name, r in TOPICS])
    usual = np.clip(activity[:, None] * rate[None, :], 0.2, 4.0)
    calendar = np.arange(months) % 12  # 0 = January
    season = np.ones((COMMUNES, topics, months))
    coastal = rng.random(COMMUNES) < 0.4
    storms, mild = np.ones(12), np.ones(12)
    storms[[8, 9, 10]] = [2.5, 4.0, 2.5]
    mild[[8, 9, 10]] = [1.3, 1.6, 1.3]
    season[:, DISASTERS, :] = np.where(coastal[:, None], storms[calendar], mild[calendar])
    tet = np.ones(12)
    tet[[11, 0, 1]] = [1.3, 2.0, 1.7]
    season[:, PRICES, :] = tet[calendar]
    wages = np.ones(12)
    wages[[0, 1]] = [1.6, 1.2]
    season[:, LABOUR, :] = wages[calendar]
    means = usual[:, :, None] * season
    road_communes = rng.choice(COMMUNES, ROAD_COMMUNES, replace=False)
    for commune in road_communes:
        begins = rng.integers(6, months - 6)
        ramp = np.clip((np.arange(months) - begins) / 6, 0.0, 1.0)
        means[commune, LAND, :] *= 1.0 + 2.0 * ramp
    means = means.reshape(COMMUNES * topics, months)
    counts = rng.poisson(means).astype(float)

    series = rng.choice(len(counts), SURGES, replace=False)
    build_up = rng.random(SURGES) < BUILD_UP_SHARE
    size = rng.choice(SIZES, SURGES)
    peak = np.where(
        build_up,
        rng.integers(first_judged + 2, months, SURGES),
        rng.integers(first_judged, months, SURGES),
    )
    first = np.where(build_up, peak - 2, peak)
    for s, p, f, m in zip(series, peak, first, size, strict=True):
        sigma = max(float(np.sqrt(means[s, p])), 1.0)
        total = round(m * sigma)
        if f == p:
            counts[s, p] += total
        else:
            counts[s, p - 2] += round(total / 3)
            counts[s, p - 1] += round(2 * total / 3)
            counts[s, p] += total
    return Data(
        counts=counts,
        means=means,
        surge_series=series,
        peak=peak,
        surge_first=first,
        surge_size=size,
        road=road_communes * topics + LAND,
        first_judged=first_judged,
        seconds=time.perf_counter() - started,
    )


# --- Detection -----------------------------------------------------------------------------


def sweep(
    data: Data, method: Method, t: warning.Thresholds, first: int | None = None
) -> np.ndarray:
    """Alerts (series, month) for the months from `first` (default: the first judged) to the
    last, each judged on the months up to it; the other columns stay False."""
    alerts = np.zeros(data.counts.shape, dtype=bool)
    for month in range(data.first_judged if first is None else first, data.months):
        alerts[:, month] = method(data.counts[:, : month + 1], t).alert
    return alerts


def _windows(data: Data) -> np.ndarray:
    """(series, month) pairs inside an injected surge's window: first month to peak + 1."""
    inside = np.zeros(data.counts.shape, dtype=bool)
    for s, f, p in zip(data.surge_series, data.surge_first, data.peak, strict=True):
        inside[s, f : p + 2] = True
    return inside


def score(method: str, alerts: np.ndarray, data: Data) -> Detection:
    caught = np.array(
        [
            alerts[s, f : p + 2].any()
            for s, f, p in zip(data.surge_series, data.surge_first, data.peak, strict=True)
        ]
    )
    build_up = data.surge_first != data.peak
    shares = {f"{m}σ": float(caught[data.surge_size == m].mean()) for m in SIZES}
    shares["all"] = float(caught.mean())
    shares["build-ups"] = float(caught[build_up].mean())
    judged = np.zeros(data.counts.shape, dtype=bool)
    judged[:, data.first_judged :] = True
    quiet = judged & ~_windows(data)
    false = alerts & quiet
    per_1000 = 1000.0 / quiet.sum()
    topics = len(TOPICS)
    seasonal = np.zeros(len(alerts), dtype=bool)
    seasonal[DISASTERS::topics] = True
    seasonal[PRICES::topics] = True
    return Detection(
        method=method,
        caught=shares,
        false_alarms=float(false.sum() * per_1000),
        false_alarms_road=float(false[data.road].sum() * per_1000),
        false_alarms_seasonal=float(false[seasonal].sum() * per_1000),
    )


def fixed_matrix(counts: np.ndarray, t: warning.Thresholds) -> warning.MatrixResult:
    """The plain rule a commission might set by hand: at least FIXED_RULE notes in a month."""
    observed = counts[:, -1]
    nan = np.full(len(observed), np.nan)
    threshold = np.full(len(observed), float(FIXED_RULE))
    return warning.MatrixResult(observed >= FIXED_RULE, observed, nan, nan, threshold, nan)


def detections(data: Data, t: warning.Thresholds) -> tuple[list[Detection], float]:
    started = time.perf_counter()
    alerts = {
        "EARS": sweep(data, warning.ears_matrix, t),
        "historical limits": sweep(data, warning.historical_matrix, t),
        "surge (by length)": sweep(data, warning.surge_matrix, t),
        "CUSUM": sweep(data, warning.cusum_matrix, t),
    }
    seconds = time.perf_counter() - started
    alerts["surge or CUSUM"] = alerts["surge (by length)"] | alerts["CUSUM"]
    alerts[f"fixed: ≥ {FIXED_RULE} notes"] = sweep(data, fixed_matrix, t)
    return [score(name, a, data) for name, a in alerts.items()], seconds


def operating_curve(data: Data, t: warning.Thresholds) -> list[tuple[float, float, Detection]]:
    """How the chosen method trades detection for false alarms, by k (EARS and historical
    limits alike) and the σ floor."""
    out = []
    for floor in (0.5, 0.75, 1.0):
        for k in (2.5, 3.0, 3.5, 4.0):
            tuned = replace(t, k=k, historical_k=k, sigma_floor=floor)
            out.append((k, floor, score("surge", sweep(data, warning.surge_matrix, tuned), data)))
    return out


def young(data: Data, t: warning.Thresholds) -> dict[str, float]:
    """False alarms per 1,000 area-months in months YOUNG..first_judged-1, when the history
    is short (EARS on 3 to 23 baseline months); no surge is injected there."""
    surge = sweep(data, warning.surge_matrix, t, first=YOUNG)[:, YOUNG : data.first_judged]
    both = surge | sweep(data, warning.cusum_matrix, t, first=YOUNG)[:, YOUNG : data.first_judged]
    return {
        "surge (by length)": 1000.0 * float(surge.mean()),
        "surge or CUSUM": 1000.0 * float(both.mean()),
    }


def long_history(t: warning.Thresholds) -> list[Detection]:
    """EARS and historical limits with 5 to 7 years of history (15 reference values): the
    generator run for 84 months, months 61..83 judged."""
    data = generate(SEED + 2, months=84, first_judged=61)
    return [
        score("EARS", sweep(data, warning.ears_matrix, t), data),
        score("historical limits", sweep(data, warning.historical_matrix, t), data),
    ]


# --- Forecast ------------------------------------------------------------------------------


def seasonal_naive_mae(history: np.ndarray) -> float:
    return float(np.mean(np.abs(history[12:] - history[:-12])))


def _held_out(data: Data, candidates: np.ndarray, wanted: int) -> dict[str, list[Any]]:
    """Forecast the last HORIZON months of `wanted` series taken in the order given, skipping
    those whose in-sample seasonal naive MAE is 0 (MASE undefined: zeros, or nearly)."""
    out: dict[str, list[Any]] = {"model": [], "naive": [], "inside": [], "ms": [], "method": []}
    for s in candidates:
        if len(out["model"]) == wanted:
            break
        history, held = data.counts[s, :-HORIZON], data.counts[s, -HORIZON:]
        scale = seasonal_naive_mae(history)
        if scale == 0:
            continue
        started = time.perf_counter()
        f = forecasting.forecast(history.tolist(), HORIZON)
        out["ms"].append((time.perf_counter() - started) * 1000)
        out["method"].append(f.method)
        out["model"].append(float(np.mean(np.abs(held - np.array(f.values)))) / scale)
        naive = history[-12 : -12 + HORIZON]
        out["naive"].append(float(np.mean(np.abs(held - naive))) / scale)
        band = (np.array(f.lower) <= held) & (held <= np.array(f.upper))
        out["inside"].extend(bool(x) for x in band)
    return out


def forecasts(data: Data) -> ForecastResult:
    rng = np.random.default_rng(SEED + 1)
    order = rng.permutation(len(data.counts))
    sample = _held_out(data, order, FORECAST_SERIES)
    topic = order % len(TOPICS)
    seasonal = _held_out(data, order[(topic == DISASTERS) | (topic == PRICES)], SEASONAL_SERIES)
    methods: dict[str, int] = {}
    for name in sample["method"]:
        methods[name] = methods.get(name, 0) + 1
    return ForecastResult(
        series=len(sample["model"]),
        mase_model=statistics.mean(sample["model"]),
        mase_naive=statistics.mean(sample["naive"]),
        better=float(
            np.mean([m < n for m, n in zip(sample["model"], sample["naive"], strict=True)])
        ),
        coverage=float(np.mean(sample["inside"])),
        ms_mean=statistics.mean(sample["ms"]),
        ms_p95=statistics.quantiles(sample["ms"], n=20, method="inclusive")[18],
        methods=methods,
        seasonal_series=len(seasonal["model"]),
        seasonal_model=statistics.mean(seasonal["model"]),
        seasonal_naive=statistics.mean(seasonal["naive"]),
    )


# --- The run -------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    try:
        free = subprocess.run(["free", "-h"], capture_output=True, text=True, check=True)  # noqa: S607
        memory = free.stdout.splitlines()[1].split()[1]
    except (OSError, subprocess.CalledProcessError, IndexError):
        memory = "unknown"
    return {
        "nproc": str(len(os.sched_getaffinity(0))),
        "memory": memory,
        "cpu": cpu,
        "python": sys.version.split()[0],
    }


def nation_ms(data: Data, t: warning.Thresholds) -> float:
    """The engine alone: surge and CUSUM for every series for the latest month (best of 5)."""
    times = []
    for _ in range(5):
        started = time.perf_counter()
        warning.surge_matrix(data.counts, t)
        warning.cusum_matrix(data.counts, t)
        times.append((time.perf_counter() - started) * 1000)
    return min(times)


def run(t: warning.Thresholds | None = None) -> Result:
    started = time.perf_counter()
    t = t or warning.Thresholds()
    print(f"generating {COMMUNES:,} communes × {len(TOPICS)} topics × {MONTHS} months", flush=True)
    data = generate()
    print(f"  {data.counts.shape[0]:,} series, {int(data.counts.sum()):,} notes", flush=True)
    found, sweep_s = detections(data, t)
    for d in found:
        print(f"  {d.method}: caught {d.caught['all']:.1%} (3σ {d.caught['3σ']:.1%}), "
              f"false alarms {d.false_alarms:.2f}/1,000", flush=True)  # fmt: skip
    curve = operating_curve(data, t)
    early = young(data, t)
    longer = long_history(t)
    print(f"forecasting {FORECAST_SERIES} + {SEASONAL_SERIES} series", flush=True)
    fc = forecasts(data)
    print(f"  MASE {fc.mase_model:.3f} (seasonal naive {fc.mase_naive:.3f})", flush=True)
    result = Result(
        date=str(datetime.date.today()),  # noqa: DTZ011
        machine=machine(),
        thresholds=t,
        data=data,
        detections=found,
        curve=curve,
        young=early,
        long_history=longer,
        forecast=fc,
        nation_ms=nation_ms(data, t),
        sweep_s=sweep_s,
    )
    result.seconds = time.perf_counter() - started
    return result


# --- The record ----------------------------------------------------------------------------


def _by(result: Result, method: str) -> Detection:
    return next(d for d in result.detections if d.method == method)


def verdicts(result: Result) -> list[tuple[str, str, bool]]:
    both = _by(result, "surge or CUSUM")
    fc = result.forecast
    nation_s = result.nation_ms / 1000
    return [
        ("surge or CUSUM: ≥ 90 % of 3σ surges caught within a month",
         f"{both.caught['3σ']:.1%}", both.caught["3σ"] >= TARGETS["detection"]),
        ("surge or CUSUM: ≤ 5 false alarms per 1,000 area-months",
         f"{both.false_alarms:.2f}", both.false_alarms <= TARGETS["false_alarms"]),
        ("forecast: mean MASE < 1", f"{fc.mase_model:.3f}", fc.mase_model < TARGETS["mase"]),
        ("forecast: ≤ 100 ms per series (p95)", f"{fc.ms_p95:.0f} ms",
         fc.ms_p95 <= TARGETS["forecast_ms"]),
        ("the nation's surge + CUSUM alerts < 60 s", f"{nation_s:.2f} s",
         nation_s < TARGETS["nation_s"]),
    ]  # fmt: skip


def summary(result: Result) -> str:
    return "\n".join(
        f"- {name}: {value} — {'met' if ok else 'NOT met'}" for name, value, ok in verdicts(result)
    )


def _detection_table(rows: list[Detection]) -> str:
    out = [
        "| method | caught: all | 3σ | 4σ | 5σ | 6σ | build-ups | false alarms / 1,000 "
        "| of which road projects | of which seasonal topics |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for x in rows:
        c = x.caught
        out.append(
            f"| {x.method} | {c['all']:.1%} | {c['3σ']:.1%} | {c['4σ']:.1%} | {c['5σ']:.1%} | "
            f"{c['6σ']:.1%} | {c['build-ups']:.1%} | {x.false_alarms:.2f} | "
            f"{x.false_alarms_road:.2f} | {x.false_alarms_seasonal:.2f} |"
        )
    return "\n".join(out) + "\n"


def markdown(result: Result) -> str:
    m, d, t, fc = result.machine, result.data, result.thresholds, result.forecast
    out = io.StringIO()
    w = out.write
    w(f"{START}\n")
    w(f"Measured {result.date} by `make bench` (bench/situation.py); the whole run took "
      f"{result.seconds:.0f} s.\n\n")  # fmt: skip
    w(f"- Machine: {m['nproc']} CPUs (`nproc`), {m['memory']} memory (`free -h` total), "
      f"{m['cpu']}; Python {m['python']}\n")  # fmt: skip
    w(f"- Data (numpy, seed {SEED}, no database): {COMMUNES:,} communes × {len(TOPICS)} topics × "
      f"{d.months} months = {d.counts.shape[0]:,} series, {int(d.counts.sum()):,} notes; "
      f"{SURGES:,} injected surges of {', '.join(f'{s}σ' for s in SIZES)} "
      f"({int((d.surge_first != d.peak).sum())} of them build-ups over 3 months); land "
      f"clearance rising around a road project in {ROAD_COMMUNES} communes (not injected: its "
      f"alerts count as false); generated in {d.seconds:.1f} s\n")  # fmt: skip
    w(f"- Thresholds, the defaults of `Thresholds()`: EARS k {t.k:g} over {t.baseline_months} "
      f"months, {t.guard_months} guard month; historical limits k {t.historical_k:g} over "
      f"{t.historical_years} years, used by `surge` from {t.seasonal_after} months of history; "
      f"CUSUM k {t.cusum_k:g}, h {t.cusum_h:g} over {t.cusum_months} months; σ floor "
      f"{t.sigma_floor:g}; at least {t.min_count} notes\n")  # fmt: skip
    w(f"- Judged: every series in each of months {d.first_judged}–{d.months - 1}, on the months "
      f"up to it; caught = an alert in the surge's month or the month after (a build-up: from "
      f"its first month); false alarms = alerts outside those windows, per 1,000 area-months "
      f"judged; the four methods' sweep over the {d.months - d.first_judged} months took "
      f"{result.sweep_s:.1f} s\n\n")  # fmt: skip
    w(_detection_table(result.detections))
    young_surge = result.young["surge (by length)"]
    young_both = result.young["surge or CUSUM"]
    w(f"\nA young system (months {YOUNG}–{d.first_judged - 1}, baselines of 3 to "
      f"{d.first_judged - 1 - t.guard_months} months, no injected surges): "
      f"{young_surge:.2f} false alarms per 1,000 area-months for `surge`, {young_both:.2f} for "
      f"surge or CUSUM.\n")  # fmt: skip
    w("\n`surge` with other k (EARS and historical limits alike) and σ floors:\n\n")
    w("| σ floor | k | caught: all | 3σ | 4σ | false alarms / 1,000 |\n|--:|--:|--:|--:|--:|--:|\n")
    for k, floor, x in result.curve:
        w(f"| {floor:g} | {k:g} | {x.caught['all']:.1%} | {x.caught['3σ']:.1%} | "
          f"{x.caught['4σ']:.1%} | {x.false_alarms:.2f} |\n")  # fmt: skip
    w(
        "\nWith 5 to 7 years of history (the generator run for 84 months, seed "
        f"{SEED + 2}, months 61–83 judged; historical limits on their full 15 values):\n\n"
    )
    w(_detection_table(result.long_history))
    w(f"\nForecast: `forecast()` on {fc.series} series drawn with a fixed seed, the last "
      f"{HORIZON} months held out; MASE = the mean absolute error over the {HORIZON} months ÷ "
      f"the in-sample seasonal naive MAE (|x_t − x_(t−12)| over the history); series whose "
      f"in-sample seasonal naive MAE is 0 are skipped (MASE undefined).\n\n")  # fmt: skip
    w("| forecast | mean MASE, all topics | mean MASE, disasters and prices |\n|---|--:|--:|\n")
    w(f"| `forecast()` | {fc.mase_model:.3f} | {fc.seasonal_model:.3f} |\n")
    w(f"| seasonal naive (the same months a year before) | {fc.mase_naive:.3f} | "
      f"{fc.seasonal_naive:.3f} |\n")  # fmt: skip
    w(f"\n- `forecast()` beat the seasonal naive on {fc.better:.0%} of the {fc.series} series; "
      f"its ~80 % band held {fc.coverage:.0%} of the held-out counts; "
      f"{fc.ms_mean:.0f} ms per series (p95 {fc.ms_p95:.0f} ms); the disasters-and-prices "
      f"column is a second sample of {fc.seasonal_series} series of those two topics\n")  # fmt: skip
    w("- Models kept by AIC: "
      + ", ".join(f"{name}: {n}" for name, n in sorted(fc.methods.items())) + "\n")  # fmt: skip
    w(f"- The engine for the nation ({d.counts.shape[0]:,} series × {d.months} months, `surge` "
      f"and CUSUM for the latest month, from the count matrix): "
      f"**{result.nation_ms:.0f} ms**\n")  # fmt: skip
    if result.db:
        w("\n".join(result.db) + "\n")
    w("\n| target | measured | |\n|---|--:|---|\n")
    for name, value, ok in verdicts(result):
        w(f"| {name} | {value} | {'met' if ok else '**NOT met**'} |\n")
    w(f"{END}")
    return out.getvalue()


def replace_block(path: Path, block: str) -> None:
    """Replace the block between the markers; without them, add it at the end of the file."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + f"\n\n## {HEADING}\n\n" + block + "\n"
    path.write_text(text)


def write_results(result: Result, path: Path = RESULTS) -> None:
    replace_block(path, markdown(result))


def main() -> int:
    """Run this benchmark alone (make bench runs all) and record it."""
    import reporting
    import showcase
    import situation_db

    result = run()
    print("the early-warning run and the board on PostgreSQL (bench/situation_db.py)", flush=True)
    showcase.setup_django()
    reporting.generate()  # the communes the notes go on (reused when they exist)
    result.db = situation_db.markdown(situation_db.measure())
    write_results(result)
    print(f"{HEADING} — recorded in bench/RESULTS.md:")
    print(summary(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
