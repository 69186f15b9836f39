"""Example 2.1 — the TileLang GEMM of example 1.3 (`simple_gemm.matmul`) with its software
pipeline depth given explicitly by every shape: `T.Pipelined(..., num_stages=n)` becomes input
CBs n K-blocks deep, so the reader fetches block k+1 (up to k+n-1) while compute multiplies
block k."""

from __future__ import annotations

from compiler.examples.gemm_common import gemm_flops, gemm_inputs, gemm_reference
from compiler.examples.simple_gemm import matmul
from compiler.examples.spec import Example, Shape
from compiler.plan import Plan


def reader_lead(shape: Shape, plans: list[Plan], reports: list) -> list[tuple[str, bool, str]]:
    """The A CB is `num_stages` K-blocks deep and the reader filled every stage before compute
    freed one (its peak occupancy over all cores), when the K loop is that long. The K-block's
    size comes from the shape's block_M x block_K, not from the CB under test."""
    (plan,), (report,) = plans, reports
    p = {n: int(EXAMPLE.param(shape, n)) for n in ("K", "block_M", "block_K", "num_stages")}
    stages, k_steps = p["num_stages"], -(-p["K"] // p["block_K"])
    block = (p["block_M"] // 32) * (p["block_K"] // 32)
    cb = next(c for c in plan.cbs if c.buffer == "A_shared")
    peak = max(s.max_occupancy for (_, index), s in report.cb_stats.items() if index == cb.index)
    want = min(stages, k_steps) * block
    detail = (
        f"A_shared CB: {cb.num_pages} pages (expected {stages} x {block}-tile K-blocks = "
        f"{stages * block}); peak occupancy {peak} pages (expected {want})"
    )
    ok = cb.num_pages == stages * block and peak == want
    return [("reader runs num_stages K-blocks ahead", ok, detail)]


SMALL = {"block_M": 64, "block_N": 64, "block_K": 32}
EXAMPLE = Example(
    id="2.1",
    title="GEMM with CB double-buffering",
    kernel=matmul,
    make_inputs=gemm_inputs,
    reference=gemm_reference,
    flops=gemm_flops,
    extra_checks=reader_lead,
    shapes=(
        Shape(
            "double_256",
            "num_stages=2 at 256^3: 4 blocks, 8 K steps",
            {"M": 256, "N": 256, "K": 256, "num_stages": 2},
        ),
        Shape(
            "triple_512x512x1024",
            "num_stages=3, 32 K steps per block",
            {"M": 512, "N": 512, "K": 1024, "num_stages": 3},
        ),
        Shape(
            "four_stages_long_k",
            "num_stages=4, K = 2048 on 64x64 blocks",
            {"M": 128, "N": 128, "K": 2048, "num_stages": 4, **SMALL},
        ),
        Shape(
            "single_stage",
            "num_stages=1: single-buffered, the reader waits for every pop",
            {"M": 256, "N": 256, "K": 256, "num_stages": 1},
        ),
        Shape(
            "fp32_inputs",
            "fp32 A and B (the FPU reads them as tf32), fp32 C",
            {"M": 128, "N": 128, "K": 128, "num_stages": 2, "dtype": "float32", **SMALL},
        ),
        Shape(
            "many_blocks_per_core",
            "64x64 blocks as written (no coarsening): several per core",
            {"M": 1024, "N": 1024, "K": 128, "num_stages": 2, **SMALL},
            coarsen=False,
        ),
        Shape(
            "ragged",
            "200x300x100: M, N, K not multiples of the block nor of 32",
            {"M": 200, "N": 300, "K": 100, "num_stages": 2, **SMALL},
        ),
    ),
)
