"""What the GEMM examples (1.3, 2.1, 3.3) share besides their TileLang kernels: inputs, the
torch reference and the problem's useful work."""

from __future__ import annotations

import torch


def gemm_flops(params: dict[str, int | str]) -> int:
    """2·M·N·K: the multiply-adds of the problem, whatever padding the tiles add."""
    return 2 * int(params["M"]) * int(params["N"]) * int(params["K"])


def gemm_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    """Unit-normal A (M x K) and B (K x N) in the shape's dtype (bfloat16 unless given)."""
    dtype = getattr(torch, str(params.get("dtype", "bfloat16")))
    a = torch.randn((int(params["M"]), int(params["K"])), generator=gen).to(dtype)
    b = torch.randn((int(params["K"]), int(params["N"])), generator=gen).to(dtype)
    return [a, b]


def gemm_reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """A @ B in fp32 (the kernels accumulate in fp32), rounded to the inputs' dtype."""
    return (a.float() @ b.float()).to(a.dtype)
