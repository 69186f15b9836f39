"""Example 2.2 — type conversion as a GPU user writes it: `T.cast` in a T.Parallel nest, either
straight over the global tensors (tilelang's `examples/elementwise` style) or from a shared
block into a fragment that is copied out. fp32 -> bf16 and bf16 -> fp32."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import Example, Shape


def cast_global(M, N, in_dtype="float32", out_dtype="bfloat16", block_M=64, block_N=64):
    @T.prim_func
    def main(A: T.Tensor((M, N), in_dtype), B: T.Tensor((M, N), out_dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            for i, j in T.Parallel(block_M, block_N):
                y = by * block_M + i
                x = bx * block_N + j
                B[y, x] = T.cast(A[y, x], out_dtype)

    return main


def cast_shared(M, N, in_dtype="float32", out_dtype="bfloat16", block_M=64, block_N=64):
    @T.prim_func
    def main(A: T.Tensor((M, N), in_dtype), B: T.Tensor((M, N), out_dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_N), in_dtype)
            B_local = T.alloc_fragment((block_M, block_N), out_dtype)
            T.copy(A[by * block_M, bx * block_N], A_shared)
            for i, j in T.Parallel(block_M, block_N):
                B_local[i, j] = T.cast(A_shared[i, j], out_dtype)
            T.copy(B_local, B[by * block_M, bx * block_N])

    return main


def cast(M, N, style="global", **kwargs):
    return {"global": cast_global, "shared": cast_shared}[style](M, N, **kwargs)


def make_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    dtype = getattr(torch, str(params.get("in_dtype", "float32")))
    # values spread over many binades, so that rounding to bf16 is exercised everywhere
    x = torch.randn((params["M"], params["N"]), generator=gen) * torch.exp2(
        torch.randint(-20, 20, (params["M"], params["N"]), generator=gen).float()
    )
    return [x.to(dtype)]


def reference(a: torch.Tensor, out_dtype: str = "bfloat16") -> torch.Tensor:
    return a.to(getattr(torch, out_dtype))


BF16_IN = {"in_dtype": "bfloat16", "out_dtype": "float32"}
EXAMPLE = Example(
    id="2.2",
    title="Cast / type conversion",
    kernel=cast,
    make_inputs=make_inputs,
    reference=reference,
    reference_params=("out_dtype",),
    shapes=(
        Shape("fp32_to_bf16_one_block", "a single 64x64 block", {"M": 64, "N": 64}),
        Shape("fp32_to_bf16_many_blocks", "256 blocks: 4 per core on 8x8", {"M": 1024, "N": 1024}),
        Shape("fp32_to_bf16_ragged", "200x300: edge tiles zero-padded", {"M": 200, "N": 300}),
        Shape(
            "fp32_to_bf16_shared",
            "shared block -> fragment -> copy out, 32x128 blocks",
            {"M": 128, "N": 512, "style": "shared", "block_M": 32, "block_N": 128},
        ),
        Shape("bf16_to_fp32_one_block", "widening: exact", {"M": 64, "N": 64, **BF16_IN}),
        Shape(
            "bf16_to_fp32_more_blocks_than_cores",
            "90 blocks: uneven ranges",
            {"M": 576, "N": 640, **BF16_IN},
        ),
        Shape(
            "bf16_to_fp32_shared",
            "widening through a shared block and an fp32 fragment",
            {"M": 192, "N": 256, "style": "shared", **BF16_IN},
        ),
    ),
)
