"""API conformance: every function the emulated headers offer has the name and parameter list of
the pinned real header (ttnn==0.81.1 wheel, downloaded once and cached)."""

from __future__ import annotations

import warnings

import pytest

from compiler.sim import conformance


def test_every_emulated_function_matches_the_pinned_ttnn_headers():
    try:
        root = conformance.real_headers()
    except conformance.WheelUnavailable as exc:
        # a warning is printed in pytest's summary of every run, unlike the skip reason
        warnings.warn(f"API conformance not checked: {exc}", stacklevel=1)
        pytest.skip(f"ttnn=={conformance.TTNN_VERSION} wheel unavailable: {exc}")
    checked, mismatches = conformance.compare(root)
    assert checked >= 90, "the scanner found too few emulated functions to be meaningful"
    assert not mismatches, "\n".join(map(str, mismatches))


def test_scanner_reads_names_and_normalised_parameters():
    text = """
    // FORCE_INLINE void commented_out(int a);
    template <bool x = true>
    ALWI void add_tiles(
        std::uint32_t icb0,   std::uint32_t icb1, bool acc = f(1, 2)) { if (x) {} }
    FORCE_INLINE
    void cb_push_back(const int32_t operand, const int32_t num_pages, TTSIM_LINE) {}
    """
    assert conformance.declarations(text) == [
        ("add_tiles", ("uint32_t icb0", "uint32_t icb1", "bool acc = f(1, 2)")),
        ("cb_push_back", ("const int32_t operand", "const int32_t num_pages", "TTSIM_LINE")),
    ]


def test_a_renamed_or_reshaped_function_is_reported(tmp_path, monkeypatch):
    real = tmp_path / "real"
    real.mkdir()
    (real / "real.h").write_text(
        "ALWI void tile_regs_acquire() {}\nALWI void matmul_tiles(uint32_t a, uint32_t b) {}\n"
    )
    emulated = tmp_path / "emulated"
    (emulated / "api").mkdir(parents=True)
    (emulated / "api" / "x.h").write_text(
        "ALWI void tile_regs_acquire(TTSIM_LINE) {}\n"
        "ALWI void matmul_tiles(uint32_t a) {}\n"
        "ALWI void made_up_tile() {}\n"
    )
    monkeypatch.setattr(conformance, "EMULATED_INCLUDE", emulated)
    checked, mismatches = conformance.compare(real)
    assert checked == 3
    assert [str(m) for m in mismatches] == [
        "api/x.h: matmul_tiles(uint32_t a) differs from the real (uint32_t a, uint32_t b)",
        "api/x.h: made_up_tile does not exist in the ttnn 0.81.1 kernel API",
    ]


def test_an_impossible_download_is_reported_as_unavailable(tmp_path, monkeypatch):
    monkeypatch.setenv("TT_WS_TTNN_CACHE", str(tmp_path))
    monkeypatch.setenv("PIP_INDEX_URL", "http://127.0.0.1:9/simple")  # nothing listens there
    monkeypatch.setenv("PIP_RETRIES", "0")
    monkeypatch.setenv("PIP_TIMEOUT", "1")
    with pytest.raises(
        conformance.WheelUnavailable, match=r"pip download of ttnn==0\.81\.1 failed"
    ):
        conformance.real_headers(download_timeout_s=60)
