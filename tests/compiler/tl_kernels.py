# ruff: noqa: F841, RUF059, B007  (TileLang binds grid/loop variables a kernel may not use)
"""Small TileLang programs the compiler tests feed through the frontend and passes (TileLang
reads kernel source, so they live in a real module)."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang
import tilelang.language as T

from compiler.frontend import from_prim_func
from compiler.pipeline import lower
from compiler.targets import get_target


def lowered(func, stop_after: str):
    """Test support: `func`'s IR after pass `stop_after` for Wormhole."""
    return lower(from_prim_func(func), get_target("wormhole_n150"), stop_after=stop_after)


def gemm(M, N, K, block_M=64, block_N=64, block_K=32, stages=2, trans_b=False):
    b_shape = (N, K) if trans_b else (K, N)
    b_block = (block_N, block_K) if trans_b else (block_K, block_N)

    @T.prim_func
    def main(
        A: T.Tensor((M, K), "bfloat16"),
        B: T.Tensor(b_shape, "bfloat16"),
        C: T.Tensor((M, N), "bfloat16"),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_s = T.alloc_shared((block_M, block_K), "bfloat16")
            B_s = T.alloc_shared(b_block, "bfloat16")
            C_l = T.alloc_fragment((block_M, block_N), "float")
            T.clear(C_l)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=stages):
                T.copy(A[by * block_M, k * block_K], A_s)
                if trans_b:
                    T.copy(B[bx * block_N, k * block_K], B_s)
                else:
                    T.copy(B[k * block_K, bx * block_N], B_s)
                T.gemm(A_s, B_s, C_l, transpose_B=trans_b)
            T.copy(C_l, C[by * block_M, bx * block_N])

    return main


def add_global(M, N, block_M=32, block_N=32, dtype="bfloat16"):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            for i, j in T.Parallel(block_M, block_N):
                C[by * block_M + i, bx * block_N + j] = (
                    A[by * block_M + i, bx * block_N + j] + B[by * block_M + i, bx * block_N + j]
                )

    return main


def exp_scaled(M, N, block=32):
    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            B_l = T.alloc_fragment((block, block), "float")
            T.copy(A[by * block, bx * block], A_s)
            for i, j in T.Parallel(block, block):
                B_l[i, j] = T.exp(A_s[i, j]) * 2.0 - 1.0
            T.copy(B_l, B[by * block, bx * block])

    return main


def transposed_access(M):
    @T.prim_func
    def main(A: T.Tensor((M, M), "bfloat16"), B: T.Tensor((M, M), "bfloat16")):
        with T.Kernel(1, 1, threads=128) as (bx, by):
            for i, j in T.Parallel(M, M):
                B[i, j] = A[j, i]

    return main


def row_min(M, N):
    @T.prim_func
    def main(A: T.Tensor((M, N), "float32"), B: T.Tensor((M,), "float32")):
        with T.Kernel(1, threads=128) as bx:
            A_s = T.alloc_shared((M, N), "float32")
            S = T.alloc_fragment((M,), "float32")
            T.copy(A[0, 0], A_s)
            T.reduce_min(A_s, S, dim=1)
            T.copy(S, B[0])

    return main


def int_add(M):
    @T.prim_func
    def main(A: T.Tensor((M, M), "int32"), B: T.Tensor((M, M), "int32")):
        with T.Kernel(1, threads=128) as bx:
            for i, j in T.Parallel(M, M):
                B[i, j] = A[i, j] + 1

    return main


def misaligned_copy(M):
    @T.prim_func
    def main(A: T.Tensor((M, M), "bfloat16"), B: T.Tensor((M, M), "bfloat16")):
        with T.Kernel(2, threads=128) as bx:
            A_s = T.alloc_shared((32, 32), "bfloat16")
            T.copy(A[bx * 16, 0], A_s)
            T.copy(A_s, B[bx * 32, 0])

    return main


def huge_stages(M):
    @T.prim_func
    def main(A: T.Tensor((M, M), "bfloat16"), B: T.Tensor((M, M), "bfloat16")):
        with T.Kernel(1, threads=128) as bx:
            A_s = T.alloc_shared((M, M), "bfloat16")
            for k in T.Pipelined(2, num_stages=4):
                T.copy(A[0, 0], A_s)
                T.copy(A_s, B[0, 0])

    return main


def sum_times_exp(M, N, block=32):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), "bfloat16"),
        B: T.Tensor((M, N), "bfloat16"),
        C: T.Tensor((M, N), "bfloat16"),
    ):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            B_s = T.alloc_shared((block, block), "bfloat16")
            C_l = T.alloc_fragment((block, block), "float")
            T.copy(A[by * block, bx * block], A_s)
            T.copy(B[by * block, bx * block], B_s)
            for i, j in T.Parallel(block, block):
                C_l[i, j] = (A_s[i, j] + B_s[i, j]) * T.exp(A_s[i, j])
            T.copy(C_l, C[by * block, bx * block])

    return main


def read_after_loop(M):
    @T.prim_func
    def main(A: T.Tensor((M, M), "bfloat16"), B: T.Tensor((M, M), "bfloat16")):
        with T.Kernel(1, threads=128) as bx:
            A_s = T.alloc_shared((32, 32), "bfloat16")
            for k in T.serial(2):
                T.copy(A[0, k * 32], A_s)
            T.copy(A_s, B[0, 0])

    return main


def guarded_add(M, N, block=64, bound_n=None):
    bound = N if bound_n is None else bound_n

    @T.prim_func
    def main(
        A: T.Tensor((M, N), "bfloat16"),
        B: T.Tensor((M, N), "bfloat16"),
        C: T.Tensor((M, N), "bfloat16"),
    ):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            for i, j in T.Parallel(block, block):
                y = by * block + i
                x = bx * block + j
                if y < M and x < bound:
                    C[y, x] = A[y, x] + B[y, x]

    return main


@tilelang.jit(out_idx=[-1])
def gemm_parallel_b_copy(M, N, K, block_M=64, block_N=64, block_K=32):
    """A `@tilelang.jit` builder whose B tile is loaded by a Parallel loop instead of T.copy."""

    @T.prim_func
    def main(
        A: T.Tensor((M, K), "bfloat16"),
        B: T.Tensor((K, N), "bfloat16"),
        C: T.Tensor((M, N), "bfloat16"),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_s = T.alloc_shared((block_M, block_K), "bfloat16")
            B_s = T.alloc_shared((block_K, block_N), "bfloat16")
            C_l = T.alloc_fragment((block_M, block_N), "float")
            T.clear(C_l)
            for ko in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                T.copy(A[by * block_M, ko * block_K], A_s)
                for kk, j in T.Parallel(block_K, block_N):
                    B_s[kk, j] = B[ko * block_K + kk, bx * block_N + j]
                T.gemm(A_s, B_s, C_l)
            T.copy(C_l, C[by * block_M, bx * block_N])

    return main


def accumulate_columns(M, N, block=32, init=0.0):
    """acc = init; for each column block k: acc = acc + A[:, k-block]  (a Parallel accumulation)."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), S: T.Tensor((M, block), "float32")):
        with T.Kernel(T.ceildiv(M, block), threads=128) as bx:
            A_s = T.alloc_shared((block, block), "bfloat16")
            acc = T.alloc_fragment((block, block), "float")
            T.fill(acc, init)
            for k in T.serial(T.ceildiv(N, block)):
                T.copy(A[bx * block, k * block], A_s)
                for i, j in T.Parallel(block, block):
                    acc[i, j] = acc[i, j] + A_s[i, j]
            T.copy(acc, S[bx * block, 0])

    return main


def col_bias_sub(M, N, block=32):
    """out[i, j] = A[i, j] - b[i]: a column vector broadcast (FPU sub with bcast_cols)."""

    @T.prim_func
    def main(
        A: T.Tensor((M, N), "bfloat16"),
        b: T.Tensor((M,), "bfloat16"),
        C: T.Tensor((M, N), "bfloat16"),
    ):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            b_s = T.alloc_shared((block,), "bfloat16")
            T.copy(A[by * block, bx * block], A_s)
            T.copy(b[by * block], b_s)
            for i, j in T.Parallel(block, block):
                C[by * block + i, bx * block + j] = A_s[i, j] - b_s[i]

    return main


def shifted_rows(M, N, block=32):
    """out[i, j] = A[i + 1 (wrapping within the block), j]: a gather whose rows are not affine."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            for i, j in T.Parallel(block, block):
                A_s[i, j] = A[by * block + (i + 1) % block, bx * block + j]
            T.copy(A_s, C[by * block, bx * block])

    return main


def strided_columns(M, N, block=32):
    """A gather whose columns step by 2: not contiguous, so rejected."""

    @T.prim_func
    def main(A: T.Tensor((M, 2 * N), "bfloat16"), C: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            A_s = T.alloc_shared((block, block), "bfloat16")
            for i, j in T.Parallel(block, block):
                A_s[i, j] = A[by * block + i, (bx * block + j) * 2 % (2 * N)]
            T.copy(A_s, C[by * block, bx * block])

    return main


def block_row_max(M, N, block_M=128, block_N=64):
    """One block of rows folded with T.reduce_max (clear=True) into a float fragment."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M,), "float32")):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            A_s = T.alloc_shared((block_M, block_N), "bfloat16")
            S = T.alloc_fragment((block_M,), "float32")
            T.copy(A[bx * block_M, 0], A_s)
            T.reduce_max(A_s, S, dim=1)
            T.copy(S, B[bx * block_M])

    return main


def scaled_row_max(M, N, block_M=64):
    """out[i] = max_j A[i, j] * x[j]: a row broadcast multiply that is not a matvec."""

    @T.prim_func
    def main(
        A: T.Tensor((M, N), "bfloat16"),
        x: T.Tensor((N,), "bfloat16"),
        out: T.Tensor((M,), "float32"),
    ):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            A_s = T.alloc_shared((block_M, N), "bfloat16")
            x_s = T.alloc_shared((N,), "bfloat16")
            prod = T.alloc_fragment((block_M, N), "float32")
            acc = T.alloc_fragment((block_M,), "float32")
            T.copy(A[bx * block_M, 0], A_s)
            T.copy(x[0], x_s)
            for i, j in T.Parallel(block_M, N):
                prod[i, j] = A_s[i, j] * x_s[j]
            T.reduce_max(prod, acc, dim=1)
            T.copy(acc, out[bx * block_M])

    return main
