"""What the GEMM examples (1.3, 2.1, 3.3) share besides their TileLang kernels: inputs, the
torch reference and the problem's useful work."""

from __future__ import annotations


def gemm_flops(params: dict[str, int | str]) -> int:
    """2·M·N·K: the multiply-adds of the problem, whatever padding the tiles add."""
    return 2 * int(params["M"]) * int(params["N"]) * int(params["K"])
