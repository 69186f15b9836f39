"""Example 3.3 — split-K GEMM for K much larger than M and N, as two ordinary TileLang kernels
(GPU split-K without global atomics): the first gives each (block, K-slice) pair its own
TileLang block — a third grid dimension — and writes fp32 partial products to a workspace;
the second sums the `split_k` partials of each output block and casts to the output dtype."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T

from compiler.examples.gemm_common import gemm_flops, gemm_inputs, gemm_reference
from compiler.examples.spec import ATOL, RTOL, Example, Shape
from compiler.targets import get_target


def _ceil(a, b):
    return -(-a // b)


def partial_products(M, N, K, split_k, block_M, block_N, block_K, num_stages, dtype, accum_dtype):
    Mp = _ceil(M, block_M) * block_M  # partial s occupies rows [s * Mp, s * Mp + M)
    k_steps = _ceil(K, split_k * block_K)  # K-steps of one slice

    @T.prim_func
    def main(
        A: T.Tensor((M, K), dtype),
        B: T.Tensor((K, N), dtype),
        Partial: T.Tensor((split_k * Mp, N), accum_dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), split_k, threads=128) as (
            bx,
            by,
            bz,
        ):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for ko in T.Pipelined(k_steps, num_stages=num_stages):
                k0 = (bz * k_steps + ko) * block_K
                T.copy(A[by * block_M, k0], A_shared)
                T.copy(B[k0, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, Partial[bz * Mp + by * block_M, bx * block_N])

    return main


def sum_partials(M, N, split_k, block_M, block_N, dtype, accum_dtype):
    Mp = _ceil(M, block_M) * block_M

    @T.prim_func
    def main(Partial: T.Tensor((split_k * Mp, N), accum_dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            P_shared = T.alloc_shared((block_M, block_N), accum_dtype)
            acc = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(acc)
            for s in T.Pipelined(split_k, num_stages=2):
                T.copy(Partial[s * Mp + by * block_M, bx * block_N], P_shared)
                for i, j in T.Parallel(block_M, block_N):
                    acc[i, j] = acc[i, j] + P_shared[i, j]
            T.copy(acc, C[by * block_M, bx * block_N])

    return main


def split_k_gemm(
    M,
    N,
    K,
    split_k=4,
    block_M=64,
    block_N=64,
    block_K=64,
    num_stages=2,
    dtype="bfloat16",
    accum_dtype="float",
):
    """(partial products, sum of partials): run in order, `Partial` passes between them."""
    return (
        partial_products(
            M, N, K, split_k, block_M, block_N, block_K, num_stages, dtype, accum_dtype
        ),
        sum_partials(M, N, split_k, block_M, block_N, dtype, accum_dtype),
    )


def tolerance(params: dict[str, int | str]) -> tuple[float, float]:
    """The combine adds split_k fp32 partials on the FPU, which reads fp32 operands as tf32
    (as the hardware's 19-bit source registers do): each addition may lose 2^-11 of a partial,
    whose magnitude for unit-normal inputs is at most ~4 sqrt(K / split_k). Summed over split_k
    additions: atol = 2^-9 sqrt(K * split_k) on top of the harness default."""
    k, split_k = int(params["K"]), int(params.get("split_k", 4))
    return RTOL, ATOL + 2**-9 * (k * split_k) ** 0.5


def cores_busy(shape: Shape, plans: list, reports: list) -> list[tuple[str, bool, str]]:
    """Splitting K multiplies the blocks of the GEMM kernel by split_k, so more cores work: as
    many as the shape has (output block, K-slice) pairs, up to the device's cores."""
    p = {n: int(EXAMPLE.param(shape, n)) for n in ("M", "N", "split_k", "block_M", "block_N")}
    output_blocks = _ceil(p["M"], p["block_M"]) * _ceil(p["N"], p["block_N"])
    cores = get_target(plans[0].target).num_cores
    want = min(output_blocks * p["split_k"], cores)
    busy = sum(1 for w in plans[0].cores if w.num_blocks > 0)
    detail = (
        f"{output_blocks} output blocks x {p['split_k']} K-slices = "
        f"{output_blocks * p['split_k']} blocks on {busy} cores (expected {want}; "
        f"without split-K: {min(output_blocks, cores)})"
    )
    return [("K slices spread over cores", busy == want, detail)]


EXAMPLE = Example(
    id="3.3",
    title="Split-K GEMM",
    kernel=split_k_gemm,
    make_inputs=gemm_inputs,
    reference=gemm_reference,
    flops=gemm_flops,
    extra_checks=cores_busy,
    tolerance=tolerance,
    shapes=(
        Shape(
            "k8192_split4",
            "256x256 output, K = 8192: 16 blocks x 4 slices on 64 cores",
            {"M": 256, "N": 256, "K": 8192},
        ),
        Shape(
            "k16384_split8",
            "128x128 output, K = 16384: 4 blocks x 8 slices",
            {"M": 128, "N": 128, "K": 16384, "split_k": 8},
        ),
        Shape(
            "k4096_split16_one_block",
            "one 64x64 output block, K = 4096 over 16 cores",
            {"M": 64, "N": 64, "K": 4096, "split_k": 16},
        ),
        Shape(
            "fp32_inputs",
            "fp32 A and B, K = 4096, split 4",
            {"M": 128, "N": 64, "K": 4096, "dtype": "float32"},
        ),
        Shape(
            "ragged",
            "M = 100, N = 72, K = 3000: ragged output and ragged last K-slice",
            {"M": 100, "N": 72, "K": 3000, "split_k": 4},
        ),
        Shape(
            "split_1",
            "split_k = 1: the plain GEMM through the same two kernels",
            {"M": 128, "N": 128, "K": 2048, "split_k": 1},
        ),
    ),
)
