"""Example 1.2 — a multi-operand element-wise expression in the shared-memory style: three
inputs copied to shared buffers, `relu(A*B + C) - exp(A)` computed in an fp32 fragment by
T.Parallel (FPU binary ops, SFPU relu/exp, intermediates kept in DST slots), the fragment
copied out as bf16."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import ELEMENTWISE_SHAPES, Example


def fused_multiply_add_relu(
    M, N, block_M=64, block_N=64, dtype="bfloat16", accum_dtype="float", threads=128
):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), dtype),
        B: T.Tensor((M, N), dtype),
        C: T.Tensor((M, N), dtype),
        D: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=threads) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_N), dtype)
            B_shared = T.alloc_shared((block_M, block_N), dtype)
            C_shared = T.alloc_shared((block_M, block_N), dtype)
            D_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.copy(A[by * block_M, bx * block_N], A_shared)
            T.copy(B[by * block_M, bx * block_N], B_shared)
            T.copy(C[by * block_M, bx * block_N], C_shared)
            for i, j in T.Parallel(block_M, block_N):
                D_local[i, j] = T.max(A_shared[i, j] * B_shared[i, j] + C_shared[i, j], 0) - T.exp(
                    A_shared[i, j]
                )
            T.copy(D_local, D[by * block_M, bx * block_N])

    return main


def make_inputs(params: dict[str, int], gen: torch.Generator) -> list[torch.Tensor]:
    shape = (params["M"], params["N"])
    return [torch.randn(shape, generator=gen).to(torch.bfloat16) for _ in range(3)]


def reference(a: torch.Tensor, b: torch.Tensor, c: torch.Tensor) -> torch.Tensor:
    a, b, c = a.float(), b.float(), c.float()
    return (torch.relu(a * b + c) - torch.exp(a)).to(torch.bfloat16)


EXAMPLE = Example(
    id="1.2",
    title="Multi-operand element-wise",
    kernel=fused_multiply_add_relu,
    make_inputs=make_inputs,
    reference=reference,
    shapes=ELEMENTWISE_SHAPES,
)
