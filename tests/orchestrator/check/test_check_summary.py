"""The check's markdown summary fits GitHub's 1 MiB step-summary limit, cut with a pointer."""

from __future__ import annotations

from orchestrator.check.summary import STEP_SUMMARY_LIMIT, fit

POINTER = "the full summary is .tt-ws/check/summary.md"


def test_a_summary_within_the_limit_is_unchanged() -> None:
    assert fit("## ok\n\n| a |\n", 100, POINTER) == "## ok\n\n| a |\n"


def test_a_long_summary_is_cut_at_a_line_and_points_at_the_full_one() -> None:
    rows = [f"| 1.{i} | tests | PASS | ✓ |" for i in range(60_000)]
    markdown = "## tt-ws check passed\n\n" + "\n".join(rows) + "\n"
    assert len(markdown.encode()) > STEP_SUMMARY_LIMIT
    fitted = fit(markdown, STEP_SUMMARY_LIMIT, POINTER)
    assert len(fitted.encode()) <= STEP_SUMMARY_LIMIT
    kept, tail = fitted.split("\n\n… truncated: ")
    assert tail == POINTER + "\n"
    assert markdown.startswith(kept) and kept.endswith("|\n")  # whole lines only


def test_multibyte_text_is_never_split_and_a_full_file_gets_nothing() -> None:
    markdown = "é" * 50 + "\n" + "ü" * 50 + "\n"
    limit = len(markdown.encode()) - 1
    fitted = fit(markdown, limit, "x")
    assert fitted == "é" * 50 + "\n\n\n… truncated: x\n" and len(fitted.encode()) <= limit
    odd = fit("é" * 50 + "\n", 80, "x")  # the cut falls inside a character, before any line end
    assert odd == "\n\n… truncated: x\n"
    assert fit(markdown, 10, POINTER) == ""
