"""Wall time of a 1024x1024x1024 bf16 matmul over 64 emulated cores (8x8 Wormhole grid), and of
the compile that precedes the first run.

    python benchmarks/bench_sim.py [--size 1024] [--repeats 3]

The compile is measured in a fresh cache directory (so it is a real cold compile of the runtime
and the three kernels); the run figures are taken after it, with every object cached. Target:
< 10 s per run on a 2-core machine.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time

import numpy as np


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1024)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as cache:
        os.environ["TT_WS_SIM_CACHE"] = cache
        from compiler.sim import Device
        from compiler.sim import reference_programs as rp
        from compiler.sim.build import runtime_library

        n = args.size
        rng = np.random.default_rng(0)
        a = rng.standard_normal((n, n)).astype(np.float32)
        b = rng.standard_normal((n, n)).astype(np.float32)
        dev = Device("wormhole_n150")
        cores = ((0, 0), (7, 7))

        t0 = time.perf_counter()
        runtime_library()
        runtime_s = time.perf_counter() - t0
        first = rp.matmul(dev, a, b, cores)
        print(
            f"compile: runtime library {runtime_s:.2f} s, 3 kernels {first.report.compile_s:.2f} s (cold cache)"
        )

        runs = []
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            result = rp.matmul(dev, a, b, cores)
            runs.append((time.perf_counter() - t0, result.report.wall_s))
        ref = a.astype(np.float64) @ b.astype(np.float64)
        pcc = np.corrcoef(result.output.ravel(), ref.ravel())[0, 1]
        best_total, best_sim = min(runs)
        print(
            f"matmul {n}x{n}x{n} bf16 on 64 cores: {best_total:.3f} s per run "
            f"(emulator {best_sim:.3f} s, rest is tilize/upload/readback), best of {args.repeats}; "
            f"PCC vs float64 {pcc:.6f}"
        )


if __name__ == "__main__":
    main()
