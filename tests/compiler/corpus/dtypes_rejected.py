"""Kernels whose dtypes the compiler does not map yet, as TileLang users write them for GPUs:
an embedding lookup and a paged-KV block-table gather driven by int32 index tensors, selects
by bool and uint8 masks, and an fp8 GEMM (tilelang examples/gemm_fp8). Each is rejected with
a CompileError that names the parameter, its dtype and what to write instead — never run with
numbers the emulator could not check."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case


def embedding(num_tokens, vocab, dim, block_N=32, block_D=64, dtype="bfloat16"):
    @T.prim_func
    def main(
        ids: T.Tensor((num_tokens,), "int32"),
        W: T.Tensor((vocab, dim), dtype),
        Out: T.Tensor((num_tokens, dim), dtype),
    ):
        with T.Kernel(T.ceildiv(dim, block_D), T.ceildiv(num_tokens, block_N), threads=128) as (
            bx,
            by,
        ):
            for i, j in T.Parallel(block_N, block_D):
                Out[by * block_N + i, bx * block_D + j] = W[ids[by * block_N + i], bx * block_D + j]

    return main


def paged_gather(num_blocks, block_M, dim, num_pages, dtype="bfloat16"):
    """K pages listed by a block table: block b reads page block_table[b] (paged KV caches)."""

    @T.prim_func
    def main(
        block_table: T.Tensor((num_blocks,), "int32"),
        K_cache: T.Tensor((num_pages * block_M, dim), dtype),
        K_out: T.Tensor((num_blocks * block_M, dim), dtype),
    ):
        with T.Kernel(num_blocks, threads=128) as bx:
            K_s = T.alloc_shared((block_M, dim), dtype)
            T.copy(K_cache[block_table[bx] * block_M, 0], K_s)
            T.copy(K_s, K_out[bx * block_M, 0])

    return main


def masked_fill(M, N, mask_dtype, block_M=32, block_N=32, dtype="float32"):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), dtype), mask: T.Tensor((M, N), mask_dtype), B: T.Tensor((M, N), dtype)
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            for i, j in T.Parallel(block_M, block_N):
                y = by * block_M + i
                x = bx * block_N + j
                B[y, x] = T.if_then_else(T.cast(mask[y, x], "bool"), A[y, x], T.float32(0))

    return main


def gemm_fp8(M, N, K, dtype, block_M=64, block_N=64, block_K=64, accum_dtype="float"):
    @T.prim_func
    def main(
        A: T.Tensor((M, K), dtype), B: T.Tensor((N, K), dtype), C: T.Tensor((M, N), accum_dtype)
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_N, block_K), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=3):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[bx * block_N, k * block_K], B_shared)
                T.gemm(A_shared, B_shared, C_local, transpose_B=True)
            T.copy(C_local, C[by * block_M, bx * block_N])

    return main


def _rejected(name, kernel, shapes, message, source):
    return Case(
        name=name,
        kernel=kernel,
        make_inputs=lambda params, gen: [],
        reference=lambda *args, **kwargs: torch.zeros(0),
        shapes=shapes,
        expect_error=message,
        source=source,
    )


INTEGER = r"dtype: T\.Tensor {} has dtype int32; integer tensors and buffers are not supported yet"
CASES = [
    _rejected(
        "embedding_lookup_by_int32_ids",
        embedding,
        ({"num_tokens": 64, "vocab": 1000, "dim": 128},),
        INTEGER.format("ids"),
        "embedding / MoE token gathers (W[ids[i], j] in a T.Parallel nest)",
    ),
    _rejected(
        "paged_kv_block_table_gather",
        paged_gather,
        ({"num_blocks": 4, "block_M": 32, "dim": 64, "num_pages": 16},),
        INTEGER.format("block_table"),
        "paged attention's block table (T.copy(K[block_table[bx] * block_M, 0], K_s))",
    ),
    *(
        _rejected(
            f"{mask}_mask_select",
            masked_fill,
            ({"M": 64, "N": 64, "mask_dtype": mask},),
            rf"dtype: T\.Tensor mask has dtype {mask}; mask tensors are not supported yet",
            "attention masks passed as tensors (T.if_then_else(mask[y, x] as bool, A[y, x], 0))",
        )
        for mask in ("bool", "uint8")
    ),
    *(
        _rejected(
            f"gemm_{fp8}",
            gemm_fp8,
            ({"M": 128, "N": 128, "K": 128, "dtype": fp8},),
            rf"dtype: T\.Tensor A has dtype {fp8}; fp8 tensors are not supported: .*Wormhole has "
            r"no e4m3 format",
            "tilelang examples/gemm_fp8",
        )
        for fp8 in ("float8_e4m3fn", "float8_e4m3", "float8_e5m2")
    ),
]
