"""TileLang's quickstart GEMM on a Tenstorrent device: the kernel is written exactly as for a GPU;
the one changed line is the decorator (`@tilelang.jit` -> `@compiler.jit`). Run it:

    python -m compiler.examples.quickstart [--size 1024] [--target blackhole_p150]

It compiles the kernel (reader, compute and writer C++ plus a host plan), runs it on the Metalium
emulator, checks the result against torch and prints the cost model's device time."""

import argparse

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

import compiler
from compiler.examples.gemm_common import gemm_flops, gemm_reference


def build(target: str):
    @compiler.jit(out_idx=[-1], target=target)  # on a GPU: @tilelang.jit(out_idx=[-1])
    def matmul(M, N, K, block_M, block_N, block_K, dtype="bfloat16", accum_dtype="float"):
        @T.prim_func
        def gemm(
            A: T.Tensor((M, K), dtype),
            B: T.Tensor((K, N), dtype),
            C: T.Tensor((M, N), dtype),
        ):
            with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
                A_shared = T.alloc_shared((block_M, block_K), dtype)
                B_shared = T.alloc_shared((block_K, block_N), dtype)
                C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
                T.clear(C_local)
                for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                    T.copy(A[by * block_M, ko * block_K], A_shared)
                    T.copy(B[ko * block_K, bx * block_N], B_shared)
                    T.gemm(A_shared, B_shared, C_local)
                T.copy(C_local, C[by * block_M, bx * block_N])

        return gemm

    return matmul


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1024, help="M = N = K (default 1024)")
    parser.add_argument("--target", default="wormhole_n150", help="wormhole_n150 | blackhole_p150")
    args = parser.parse_args(argv)
    n = args.size

    kernel = build(args.target)(n, n, n, 128, 128, 32)
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(n, n, generator=gen).to(torch.bfloat16)
    b = torch.randn(n, n, generator=gen).to(torch.bfloat16)
    c = kernel(a, b)

    want = gemm_reference(a, b)
    err = (c.float() - want.float()).abs().max().item()
    # bf16 output of an fp32 accumulation: one bf16 rounding (2^-8 relative) of values ~sqrt(K)
    ok = torch.allclose(c.float(), want.float(), rtol=1.6e-2, atol=1.6e-2)
    print(
        f"{n}x{n}x{n} bf16 GEMM on the emulated {args.target}: max |c - torch| = {err:.4f}", end=" "
    )
    print("(matches torch)" if ok else "(DOES NOT MATCH torch)")

    r = kernel.get_profiler().bench(a, b)
    tflops = gemm_flops({"M": n, "N": n, "K": n}) / (r.device_ms * 1e-3) / 1e12
    print(
        f"modelled device time: {r.device_ms:.3f} ms = {r.cycles} cycles "
        f"({tflops:.1f} TFLOPS, {r.bottleneck}-bound); emulator wall time {r.emulator_wall_ms:.0f} ms"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
