"""GEMMs over 3-D tensors as TileLang users write them for GPUs: a batch index from the grid
(`T.Kernel(..., batch)`) or from a serial loop, stacked shared buffers indexed by the batch
(tilelang's testing/python/kernel/test_tilelang_kernel_gemm_batched.py), 3-D expert weights
(E, N, K) of a mixture-of-experts layer, and a 1x1 convolution over an NHWC tensor."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case

# bf16 output: one rounding (2^-8 relative, up to 0.06 at |C| ~ 16) of an fp32 sum of bf16-exact
# products. fp32 output: the FPU takes fp32 operands at tf32 (10-bit mantissa, 2^-11 relative per
# product), over K <= 128 terms of random sign well inside the same bound.
BF16 = (1e-2, 5e-2)


def bmm(batch, M, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    accum_dtype = "float"

    @T.prim_func
    def main(
        A: T.Tensor((batch, M, K), dtype),
        B: T.Tensor((batch, K, N), dtype),
        C: T.Tensor((batch, M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), batch, threads=128) as (
            bx,
            by,
            bz,
        ):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[bz, by * block_M, k * block_K], A_shared)
                T.copy(B[bz, k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(C_local, C[bz, by * block_M, bx * block_N])

    return main


def matmul_batched(batch, M, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    """The batch in a serial loop; shared buffers of shape (batch, block, block) indexed by it."""
    accum_dtype = "float"

    @T.prim_func
    def main(
        A: T.Tensor((batch, M, K), dtype),
        B: T.Tensor((batch, K, N), dtype),
        C: T.Tensor((batch, M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((batch, block_M, block_K), dtype)
            B_shared = T.alloc_shared((batch, block_K, block_N), dtype)
            C_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            for b in T.serial(batch):
                T.clear(C_local)
                for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                    T.copy(A[b, by * block_M, k * block_K], A_shared[b, :, :])
                    T.copy(B[b, k * block_K, bx * block_N], B_shared[b, :, :])
                    T.gemm(A_shared[b, :, :], B_shared[b, :, :], C_local)
                T.copy(C_local, C[b, by * block_M, bx * block_N])

    return main


def expert_gemm(experts, tokens, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    """Y[e] = X[e] @ W[e]^T with expert weights W of shape (E, N, K) (nn.Linear layout)."""
    accum_dtype = "float"

    @T.prim_func
    def main(
        X: T.Tensor((experts, tokens, K), dtype),
        W: T.Tensor((experts, N, K), dtype),
        Y: T.Tensor((experts, tokens, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(tokens, block_M), experts, threads=128) as (
            bx,
            by,
            bz,
        ):
            X_shared = T.alloc_shared((block_M, block_K), dtype)
            W_shared = T.alloc_shared((block_N, block_K), dtype)
            Y_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(Y_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(X[bz, by * block_M, k * block_K], X_shared)
                T.copy(W[bz, bx * block_N, k * block_K], W_shared)
                T.gemm(X_shared, W_shared, Y_local, transpose_B=True)
            T.copy(Y_local, Y[bz, by * block_M, bx * block_N])

    return main


def expert_linear(experts, tokens, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    """Y[e] = X[e] @ W[e]^T + bias[e]: a per-expert bias row (E, N), kept in fp32 as the
    accumulator is, copied into a 1-D buffer and added to every row."""
    accum_dtype = "float"

    @T.prim_func
    def main(
        X: T.Tensor((experts, tokens, K), dtype),
        W: T.Tensor((experts, N, K), dtype),
        bias: T.Tensor((experts, N), accum_dtype),
        Y: T.Tensor((experts, tokens, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(tokens, block_M), experts, threads=128) as (
            bx,
            by,
            bz,
        ):
            X_shared = T.alloc_shared((block_M, block_K), dtype)
            W_shared = T.alloc_shared((block_N, block_K), dtype)
            bias_shared = T.alloc_shared((block_N,), accum_dtype)
            Y_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.copy(bias[bz, bx * block_N], bias_shared)
            T.clear(Y_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(X[bz, by * block_M, k * block_K], X_shared)
                T.copy(W[bz, bx * block_N, k * block_K], W_shared)
                T.gemm(X_shared, W_shared, Y_local, transpose_B=True)
            for i, j in T.Parallel(block_M, block_N):
                Y_local[i, j] += bias_shared[j]
            T.copy(Y_local, Y[bz, by * block_M, bx * block_N])

    return main


def expert_sum(experts, tokens, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    """Y = sum_e X[e] @ W[e]^T: the expert index from a serial loop, every expert's weights
    accumulated into one fragment (a dense mixture with all gates 1)."""
    accum_dtype = "float"

    @T.prim_func
    def main(
        X: T.Tensor((experts, tokens, K), dtype),
        W: T.Tensor((experts, N, K), dtype),
        Y: T.Tensor((tokens, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(tokens, block_M), threads=128) as (bx, by):
            X_shared = T.alloc_shared((block_M, block_K), dtype)
            W_shared = T.alloc_shared((block_N, block_K), dtype)
            Y_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(Y_local)
            for e in T.serial(experts):
                for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                    T.copy(X[e, by * block_M, k * block_K], X_shared)
                    T.copy(W[e, bx * block_N, k * block_K], W_shared)
                    T.gemm(X_shared, W_shared, Y_local, transpose_B=True)
            T.copy(Y_local, Y[by * block_M, bx * block_N])

    return main


def conv1x1_nhwc(N, H, W, C, F, block_W=64, block_F=64, block_C=32, dtype="bfloat16"):
    """A 1x1 convolution of an NHWC image: per image row, (W, C) @ (C, F); the grid runs over
    output channels, pixels of a row and rows; images in a serial loop."""
    accum_dtype = "float"

    @T.prim_func
    def main(
        data: T.Tensor((N, H, W, C), dtype),
        kernel: T.Tensor((C, F), dtype),
        out: T.Tensor((N, H, W, F), dtype),
    ):
        with T.Kernel(T.ceildiv(F, block_F), T.ceildiv(W, block_W), H, threads=128) as (
            bx,
            by,
            bz,
        ):
            data_shared = T.alloc_shared((block_W, block_C), dtype)
            kernel_shared = T.alloc_shared((block_C, block_F), dtype)
            out_local = T.alloc_fragment((block_W, block_F), accum_dtype)
            for n in T.serial(N):
                T.clear(out_local)
                for k in T.Pipelined(T.ceildiv(C, block_C), num_stages=2):
                    T.copy(data[n, bz, by * block_W, k * block_C], data_shared)
                    T.copy(kernel[k * block_C, bx * block_F], kernel_shared)
                    T.gemm(data_shared, kernel_shared, out_local)
                T.copy(out_local, out[n, bz, by * block_W, bx * block_F])

    return main


def _gen(*shapes):
    def make(params, gen):
        dtype = getattr(torch, params.get("dtype", "bfloat16"))
        return [torch.randn(s(params), generator=gen).to(dtype) for s in shapes]

    return make


def _bmm_ref(a, b, **_):
    return (a.float() @ b.float()).to(a.dtype)


GEMM_SHAPES = (
    {"batch": 2, "M": 128, "N": 128, "K": 64},
    {"batch": 3, "M": 100, "N": 70, "K": 90},  # ragged everywhere
    {"batch": 2, "M": 64, "N": 64, "K": 128, "dtype": "float32"},
)
EXPERT_SHAPES = (
    {"experts": 4, "tokens": 64, "N": 128, "K": 64},
    {"experts": 3, "tokens": 50, "N": 96, "K": 80},  # ragged
    {"experts": 2, "tokens": 64, "N": 64, "K": 64, "dtype": "float32"},
)
A_BMK = lambda p: (p["batch"], p["M"], p["K"])  # noqa: E731
B_BKN = lambda p: (p["batch"], p["K"], p["N"])  # noqa: E731
X_ETK = lambda p: (p["experts"], p["tokens"], p["K"])  # noqa: E731
W_ENK = lambda p: (p["experts"], p["N"], p["K"])  # noqa: E731


CASES = [
    Case(
        name="nd_bmm_grid_batch",
        kernel=bmm,
        make_inputs=_gen(A_BMK, B_BKN),
        reference=_bmm_ref,
        shapes=GEMM_SHAPES,
        tolerance=BF16,
        source="tilelang examples/gemm with a batch grid dim (blockIdx.z)",
    ),
    Case(
        name="nd_matmul_batched_stacked_shared",
        kernel=matmul_batched,
        make_inputs=_gen(A_BMK, B_BKN),
        reference=_bmm_ref,
        shapes=GEMM_SHAPES,
        tolerance=BF16,
        source="tilelang testing/python/kernel/test_tilelang_kernel_gemm_batched.py",
    ),
    Case(
        name="nd_expert_gemm",
        kernel=expert_gemm,
        make_inputs=_gen(X_ETK, W_ENK),
        reference=lambda x, w, **_: (x.float() @ w.float().transpose(1, 2)).to(x.dtype),
        shapes=EXPERT_SHAPES,
        tolerance=BF16,
        source="tilelang examples/fusedmoe (per-expert weights (E, N, K), expert from the grid)",
    ),
    Case(
        name="nd_expert_linear_bias_rows",
        kernel=expert_linear,
        make_inputs=lambda p, g: [
            *_gen(X_ETK, W_ENK)(p, g),
            torch.randn((p["experts"], p["N"]), generator=g),
        ],
        reference=lambda x, w, b, **_: (
            x.float() @ w.float().transpose(1, 2) + b.float()[:, None, :]
        ).to(x.dtype),
        shapes=EXPERT_SHAPES,
        tolerance=BF16,
        source="tilelang examples/fusedmoe (per-expert weights and bias rows)",
    ),
    Case(
        name="nd_expert_sum_loop",
        kernel=expert_sum,
        make_inputs=_gen(X_ETK, W_ENK),
        reference=lambda x, w, **_: (x.float() @ w.float().transpose(1, 2)).sum(0).to(x.dtype),
        shapes=EXPERT_SHAPES,
        tolerance=(2e-2, 1e-1),  # K * E terms of up to ~4 each: bf16 output of magnitude ~40
        source="tilelang examples/fusedmoe (expert index from a serial loop)",
    ),
    Case(
        name="nd_conv1x1_nhwc",
        kernel=conv1x1_nhwc,
        make_inputs=_gen(lambda p: (p["N"], p["H"], p["W"], p["C"]), lambda p: (p["C"], p["F"])),
        reference=lambda d, w, **_: (d.float() @ w.float()).to(d.dtype),
        shapes=(
            {"N": 2, "H": 3, "W": 64, "C": 64, "F": 64},
            {"N": 1, "H": 2, "W": 40, "C": 48, "F": 72},  # ragged
            {"N": 1, "H": 2, "W": 64, "C": 32, "F": 64, "dtype": "float32"},
        ),
        tolerance=BF16,
        source="tilelang examples/convolution (NHWC data) with a 1x1 kernel",
    ),
]
