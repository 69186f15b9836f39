"""Compile time (TileLang PrimFunc -> kernel sources + tt.plan.json) of the GPU-style 256^3 GEMM
and the peak Python memory of one compile. Target: < 1 s.

    python benchmarks/bench_compile.py [--repeat N]
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc

import compiler
from compiler.examples.simple_gemm import matmul


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    t0 = time.perf_counter()
    func = matmul(256, 256, 256)
    build_s = time.perf_counter() - t0
    compiler.compile(func)  # warm-up: first-call imports of the pass modules

    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        compiler.compile(func)
        times.append(time.perf_counter() - t0)

    tracemalloc.start()
    compiler.compile(func)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    print("GEMM 256x256x256 (block 128x128x32, num_stages=3), wormhole_n150")
    print(f"  TileLang PrimFunc build (not counted): {build_s * 1e3:.1f} ms")
    print(
        f"  compile PrimFunc -> artifacts: median {statistics.median(times) * 1e3:.2f} ms, "
        f"min {min(times) * 1e3:.2f} ms over {args.repeat} runs (target < 1000 ms)"
    )
    print(f"  peak Python memory of one compile (tracemalloc): {peak / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
