"""The cost model against published device figures: every row within the stated band, the mean
error within its bound, and docs/performance.md showing exactly the table the model produces."""

from pathlib import Path

import pytest

from compiler.perf.calibration import (
    MEAN_LOG_ERROR,
    POINTS,
    RATIO_BAND,
    mean_log_error,
    predict,
    table,
)


@pytest.fixture(scope="module")
def calibrated():
    return [predict(p) for p in POINTS]


@pytest.mark.parametrize("index", range(len(POINTS)))
def test_each_published_point_is_predicted_within_the_band(calibrated, index):
    row = calibrated[index]
    low, high = RATIO_BAND
    assert low <= row.ratio <= high, (
        f"{row.point.n}^3 {row.point.math_fidelity} {row.point.config}: modelled "
        f"{row.modelled_cycles} vs published {row.point.published_cycles} cycles"
    )


def test_the_mean_error_stays_within_its_bound(calibrated):
    assert mean_log_error(calibrated) <= MEAN_LOG_ERROR


def test_the_performance_page_shows_the_table_the_model_gives(calibrated):
    page = (Path(__file__).parents[2] / "docs" / "performance.md").read_text()
    assert table(calibrated) in page, "regenerate with `python -m compiler.perf.calibration`"
