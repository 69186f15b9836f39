"""Element-wise kernels in the style of TileLang's quickstart: tiles staged through shared
memory with T.copy, arithmetic in a T.Parallel nest over a fragment."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case


def staged_add(M, N, block_M=64, block_N=64, dtype="bfloat16"):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), dtype),
        B: T.Tensor((M, N), dtype),
        C: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_s = T.alloc_shared((block_M, block_N), dtype)
            B_s = T.alloc_shared((block_M, block_N), dtype)
            C_f = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(A[by * block_M, bx * block_N], A_s)
            T.copy(B[by * block_M, bx * block_N], B_s)
            for i, j in T.Parallel(block_M, block_N):
                C_f[i, j] = A_s[i, j] * B_s[i, j] + A_s[i, j]
            T.copy(C_f, C[by * block_M, bx * block_N])

    return main


def _two(params, gen):
    dtype = getattr(torch, params.get("dtype", "bfloat16"))
    shape = (params["M"], params["N"])
    return [torch.randn(shape, generator=gen).to(dtype) for _ in range(2)]


CASES = [
    Case(
        name="staged_mul_add",
        kernel=staged_add,
        make_inputs=_two,
        reference=lambda a, b, **_: (a.float() * b.float() + a.float()).to(a.dtype),
        shapes=({"M": 64, "N": 64}, {"M": 256, "N": 192}, {"M": 128, "N": 128, "dtype": "float32"}),
        source="tilelang quickstart (elementwise with shared staging)",
    ),
]
