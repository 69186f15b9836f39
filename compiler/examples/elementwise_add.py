"""Example 1.1 — element-wise add, written as tilelang's own `examples/elementwise` does: a
T.Parallel nest over the block that indexes the global tensors directly."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import ELEMENTWISE_SHAPES, Example


def elementwise_add(
    M, N, block_M=64, block_N=64, in_dtype="bfloat16", out_dtype="bfloat16", threads=128
):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), in_dtype),
        B: T.Tensor((M, N), in_dtype),
        C: T.Tensor((M, N), out_dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=threads) as (bx, by):
            start_x = bx * block_N
            start_y = by * block_M
            for local_y, local_x in T.Parallel(block_M, block_N):
                y = start_y + local_y
                x = start_x + local_x
                C[y, x] = A[y, x] + B[y, x]

    return main


def make_inputs(params: dict[str, int], gen: torch.Generator) -> list[torch.Tensor]:
    shape = (params["M"], params["N"])
    return [torch.randn(shape, generator=gen).to(torch.bfloat16) for _ in range(2)]


def reference(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return a + b


EXAMPLE = Example(
    id="1.1",
    title="Element-wise add",
    kernel=elementwise_add,
    make_inputs=make_inputs,
    reference=reference,
    shapes=ELEMENTWISE_SHAPES,
)
