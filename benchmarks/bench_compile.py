"""Compile time (TileLang PrimFunc -> kernel sources + tt.plan.json) and the peak Python memory
of one compile, for the GPU-style 256^3 GEMM (target < 1 s) and for FlashAttention at
B=1, H=8, S=2048, D=128, causal (example 4.1: 4-D tensors, online softmax, causal mask, per-block
loop counts; targets < 100 ms and < 50 MB — a public TileLang->Tenstorrent fork needs ~129 s and
2.7 GiB for its FlashAttention lowering, by static unrolling).

    python benchmarks/bench_compile.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import compiler
from compiler.examples.flash_attention_forward import flashattn
from compiler.examples.simple_gemm import matmul


def measure(label: str, func, repeat: int, target_ms: float) -> None:
    compiler.compile(func)  # warm-up: first-call imports of the pass modules
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        compiler.compile(func)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    compiler.compile(func)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(label)
    print(
        f"  compile PrimFunc -> artifacts: median {statistics.median(times) * 1e3:.2f} ms, "
        f"min {min(times) * 1e3:.2f} ms over {repeat} runs (target < {target_ms:g} ms)"
    )
    print(f"  peak Python memory of one compile (tracemalloc): {peak / 2**20:.1f} MiB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    t0 = time.perf_counter()
    gemm = matmul(256, 256, 256)
    build_s = time.perf_counter() - t0
    print(f"TileLang PrimFunc build of the GEMM (not counted): {build_s * 1e3:.1f} ms")
    measure(
        "GEMM 256x256x256 (block 128x128x32, num_stages=3), wormhole_n150",
        gemm,
        args.repeat,
        1000,
    )
    attention = flashattn(1, 8, 2048, 2048, 128, True)
    measure(
        "FlashAttention forward B=1 H=8 S=2048 D=128 causal (example 4.1), wormhole_n150",
        attention,
        args.repeat,
        100,
    )


if __name__ == "__main__":
    main()
