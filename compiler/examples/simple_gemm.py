"""Example 1.3 — the classic TileLang GEMM exactly as written for GPUs (tilelang's README):
128x128x32 blocks, threads=128, a 3-stage pipelined K loop, fp32 accumulation in a fragment."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T

from compiler.examples.gemm_common import gemm_flops, gemm_inputs, gemm_reference
from compiler.examples.spec import Example, Shape


def matmul(
    M,
    N,
    K,
    block_M=128,
    block_N=128,
    block_K=32,
    num_stages=3,
    dtype="bfloat16",
    accum_dtype="float",
):
    @T.prim_func
    def main(
        A: T.Tensor((M, K), dtype),
        B: T.Tensor((K, N), dtype),
        C: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)

            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=num_stages):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)

            T.copy(C_local, C[by * block_M, bx * block_N])

    return main


SMALL = {"block_M": 64, "block_N": 64, "block_K": 32}
EXAMPLE = Example(
    id="1.3",
    title="Simple GEMM",
    kernel=matmul,
    make_inputs=gemm_inputs,
    reference=gemm_reference,
    flops=gemm_flops,
    shapes=(
        Shape("one_block", "one 128x128 block, 4 K steps", {"M": 128, "N": 128, "K": 128}),
        Shape(
            "gpu_256",
            "the GPU GEMM at 256^3: fewer blocks than cores",
            {"M": 256, "N": 256, "K": 256},
        ),
        Shape("gpu_512x1024x768", "the GPU GEMM at 512x1024x768", {"M": 512, "N": 1024, "K": 768}),
        Shape(
            "many_blocks_per_core",
            "64x64 blocks as written (no coarsening): several per core",
            {"M": 1024, "N": 1024, "K": 64, **SMALL},
            coarsen=False,
        ),
        Shape(
            "more_blocks_than_cores",
            "64x64 blocks as written (no coarsening): uneven ranges",
            {"M": 576, "N": 640, "K": 96, **SMALL},
            coarsen=False,
        ),
        Shape(
            "coarsened",
            "64x64 blocks that coarsen_blocks merges into bigger ones",
            {"M": 1024, "N": 1024, "K": 64, **SMALL},
        ),
        Shape("rectangular", "rectangular 128x384 by 384x640", {"M": 128, "N": 640, "K": 384}),
        Shape(
            "ragged",
            "200x300x100: M, N, K not multiples of the block nor of 32",
            {"M": 200, "N": 300, "K": 100, **SMALL},
        ),
    ),
)
