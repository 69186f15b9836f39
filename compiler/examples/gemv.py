"""Example 3.1 — GEMV `y = A @ x` written at tile level as a GPU user writes it in TileLang:
each block owns `block_N` rows of A, loops over K, multiplies its A tile by the broadcast
vector tile (`A_s[i, j] * x_s[j]`) and folds the product into the row sums with
`T.reduce_sum(..., dim=1, clear=False)`."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import Example, Shape


def gemv(N, K, block_N=128, block_K=128, num_stages=2, dtype="bfloat16", accum_dtype="float"):
    @T.prim_func
    def main(
        A: T.Tensor((N, K), dtype),
        x: T.Tensor((K,), dtype),
        y: T.Tensor((N,), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), threads=128) as bx:
            A_s = T.alloc_shared((block_N, block_K), dtype)
            x_s = T.alloc_shared((block_K,), dtype)
            prod = T.alloc_fragment((block_N, block_K), accum_dtype)
            acc = T.alloc_fragment((block_N,), accum_dtype)
            T.clear(acc)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=num_stages):
                T.copy(A[bx * block_N, k * block_K], A_s)
                T.copy(x[k * block_K], x_s)
                for i, j in T.Parallel(block_N, block_K):
                    prod[i, j] = A_s[i, j] * x_s[j]
                T.reduce_sum(prod, acc, dim=1, clear=False)
            T.copy(acc, y[bx * block_N])

    return main


def make_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    dtype = getattr(torch, str(params.get("dtype", "bfloat16")))
    a = torch.randn((params["N"], params["K"]), generator=gen).to(dtype)
    x = torch.randn((params["K"],), generator=gen).to(dtype)
    return [a, x]


def reference(a: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return (a.float() @ x.float()).to(a.dtype)


EXAMPLE = Example(
    id="3.1",
    title="GEMV",
    kernel=gemv,
    make_inputs=make_inputs,
    reference=reference,
    shapes=(
        Shape("one_block", "128 rows, K = 128: one block, one K step", {"N": 128, "K": 128}),
        Shape("long_k", "K = 4096: 32 K steps per block", {"N": 256, "K": 4096}),
        Shape("tall", "N = 8192: 64 blocks, one per core", {"N": 8192, "K": 256}),
        Shape(
            "many_blocks_per_core",
            "256 blocks of 32 rows: 4 per core",
            {"N": 8192, "K": 128, "block_N": 32},
        ),
        Shape("fp32", "fp32 A, x and y", {"N": 256, "K": 512, "dtype": "float32"}),
        Shape("ragged", "N = 200, K = 300: padded tiles", {"N": 200, "K": 300}),
    ),
)
