"""Element-wise epilogues as TileLang users write them for GPUs: GELU (tanh and erf forms),
SiLU, SwiGLU, clamps, leaky ReLU as a select, division, max/min of tiles, powers, exp2/log2,
causal and length masks on index expressions (written by the reader on the device), and the
constructs with no Tensix meaning (warp shuffles, thread indices, run-time scalars), which are
CompileErrors naming them."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import math

import tilelang.language as T
import torch

from corpus import Case


def unary_epilogue(fn):
    """A builder of `Y = fn(X)` over 2-D blocks staged through shared memory."""

    def build(M, N, block_M=32, block_N=64, dtype="bfloat16"):
        @T.prim_func
        def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
            with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
                x_s = T.alloc_shared((block_M, block_N), dtype)
                y = T.alloc_fragment((block_M, block_N), "float")
                T.copy(X[by * block_M, bx * block_N], x_s)
                for i, j in T.Parallel(block_M, block_N):
                    y[i, j] = fn(x_s[i, j])
                T.copy(y, Y[by * block_M, bx * block_N])

        return main

    return build


def binary_epilogue(fn):
    def build(M, N, block_M=32, block_N=64, dtype="bfloat16"):
        @T.prim_func
        def main(
            A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)
        ):
            with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
                a_s = T.alloc_shared((block_M, block_N), dtype)
                b_s = T.alloc_shared((block_M, block_N), dtype)
                c = T.alloc_fragment((block_M, block_N), "float")
                T.copy(A[by * block_M, bx * block_N], a_s)
                T.copy(B[by * block_M, bx * block_N], b_s)
                for i, j in T.Parallel(block_M, block_N):
                    c[i, j] = fn(a_s[i, j], b_s[i, j])
                T.copy(c, C[by * block_M, bx * block_N])

        return main

    return build


def gelu_tanh(x):
    return 0.5 * x * (1.0 + T.tanh(0.7978845608028654 * (x + 0.044715 * x * x * x)))


def gelu_erf(x):
    return 0.5 * x * (1.0 + T.erf(x * 0.7071067811865476))


def matmul_bias_gelu(M, N, K, block_M=64, block_N=64, block_K=32, dtype="bfloat16"):
    """GEMM with a bias row and a GELU (tanh) epilogue on the fp32 accumulator, as MLP kernels
    fuse it."""

    @T.prim_func
    def main(
        A: T.Tensor((M, K), dtype),
        B: T.Tensor((K, N), dtype),
        bias: T.Tensor((N,), dtype),
        C: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_shared = T.alloc_shared((block_M, block_K), dtype)
            B_shared = T.alloc_shared((block_K, block_N), dtype)
            bias_shared = T.alloc_shared((block_N,), dtype)
            C_local = T.alloc_fragment((block_M, block_N), "float")
            T.clear(C_local)
            for k in T.Pipelined(T.ceildiv(K, block_K), num_stages=2):
                T.copy(A[by * block_M, k * block_K], A_shared)
                T.copy(B[k * block_K, bx * block_N], B_shared)
                T.gemm(A_shared, B_shared, C_local)
            T.copy(bias[bx * block_N], bias_shared)
            for i, j in T.Parallel(block_M, block_N):
                C_local[i, j] = gelu_tanh(C_local[i, j] + bias_shared[j])
            T.copy(C_local, C[by * block_M, bx * block_N])

    return main


def causal_mask_fill(M, N, block_M=64, block_N=64, dtype="float32"):
    """Scores above the diagonal set to -inf (the attention examples' causal mask)."""

    @T.prim_func
    def main(S: T.Tensor((M, N), dtype), P: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            s_shared = T.alloc_shared((block_M, block_N), dtype)
            acc_s = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(S[by * block_M, bx * block_N], s_shared)
            for i, j in T.Parallel(block_M, block_N):
                acc_s[i, j] = T.if_then_else(
                    by * block_M + i >= bx * block_N + j, s_shared[i, j], -T.infinity(dtype)
                )
            T.copy(acc_s, P[by * block_M, bx * block_N])

    return main


def length_masked_softmax(M, N, seq_len, block_M=32, block_N=64, dtype="float32"):
    """Online row softmax of a padded score matrix whose first seq_len columns are valid: the
    varlen attention examples' length mask (`k * block_N + j >= seq_len` -> -inf) in both
    passes over the column blocks."""
    scale = 1.44269504

    @T.prim_func
    def main(S: T.Tensor((M, N), dtype), P: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            s_shared = T.alloc_shared((block_M, block_N), dtype)
            acc_s = T.alloc_fragment((block_M, block_N), "float")
            scores_max = T.alloc_fragment((block_M,), "float")
            scores_max_prev = T.alloc_fragment((block_M,), "float")
            scores_sum = T.alloc_fragment((block_M,), "float")
            logsum = T.alloc_fragment((block_M,), "float")
            T.fill(scores_max, -T.infinity("float"))
            T.fill(logsum, 0)
            for k in T.serial(T.ceildiv(N, block_N)):
                T.copy(S[bx * block_M, k * block_N], s_shared)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.if_then_else(
                        k * block_N + j >= seq_len, -T.infinity("float"), s_shared[i, j]
                    )
                T.copy(scores_max, scores_max_prev)
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = (
                        logsum[i] * T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                        + scores_sum[i]
                    )
            for k in T.serial(T.ceildiv(N, block_N)):
                T.copy(S[bx * block_M, k * block_N], s_shared)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.if_then_else(
                        k * block_N + j < seq_len,
                        T.exp2(s_shared[i, j] * scale - scores_max[i] * scale) / logsum[i],
                        0,
                    )
                T.copy(acc_s, P[bx * block_M, k * block_N])

    return main


def runtime_scalar(M, N, dtype="float32"):
    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((M, N), dtype)
            y = T.alloc_fragment((M, N), dtype)
            first = T.alloc_var(dtype)
            T.copy(X[0, 0], x_s)
            first = x_s[0, 0]
            for i, j in T.Parallel(M, N):
                y[i, j] = x_s[i, j] - first
            T.copy(y, Y[0, 0])

    return main


def scaled_by_var(M, N, dtype="float32"):
    """A T.alloc_var holding a compile-time constant (`inv = 1 / N`) used as a scalar."""

    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(1, threads=128) as _:
            x_s = T.alloc_shared((M, N), dtype)
            y = T.alloc_fragment((M, N), dtype)
            inv = T.alloc_var("float")
            inv = T.float32(1.0) / N
            T.copy(X[0, 0], x_s)
            for i, j in T.Parallel(M, N):
                y[i, j] = x_s[i, j] * inv - T.max_value("float16") / T.float32(65504.0)
            T.copy(y, Y[0, 0])

    return main


def _gemm_inputs(params, gen):
    m, n, k = params["M"], params["N"], params["K"]
    return [
        (torch.randn(m, k, generator=gen) / math.sqrt(k)).bfloat16(),
        torch.randn(k, n, generator=gen).bfloat16(),
        torch.randn(n, generator=gen).bfloat16(),
    ]


def _randn(scale=1.0, n=1, positive=False):
    def make(params, gen):
        dtype = getattr(torch, str(params.get("dtype", "bfloat16")))
        shape = (params["M"], params["N"])
        xs = [torch.randn(shape, generator=gen) * scale for _ in range(n)]
        return [(x.abs() + 0.1 if positive else x).to(dtype) for x in xs]

    return make


def _ref(fn):
    """The reference in float64 from the dtype-rounded inputs, rounded to the output dtype."""
    return lambda *xs, **_: fn(*(x.double() for x in xs)).to(xs[0].dtype)


SHAPES = (
    {"M": 64, "N": 128},
    {"M": 50, "N": 100},
    {"M": 96, "N": 64, "dtype": "float32"},
)
# bf16 in and out, fp32 fragment: the computation itself is fp32 in DST, the output rounds to
# bf16 (2^-8 relative); fp32: the inputs reach the SFPU unrounded and each op rounds in fp32
BF16_OUT = (1e-2, 1e-2)

CASES = [
    Case(
        name="eltwise_gelu_tanh",
        kernel=unary_epilogue(gelu_tanh),
        make_inputs=_randn(2.0),
        reference=_ref(lambda x: torch.nn.functional.gelu(x, approximate="tanh")),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="GELU epilogue (tanh form) as in tilelang's MLP examples",
    ),
    Case(
        name="eltwise_gelu_erf",
        kernel=unary_epilogue(gelu_erf),
        make_inputs=_randn(2.0),
        reference=_ref(torch.nn.functional.gelu),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="GELU epilogue (erf form)",
    ),
    Case(
        name="eltwise_silu",
        kernel=unary_epilogue(lambda x: x / (1.0 + T.exp(-x))),
        make_inputs=_randn(4.0),
        reference=_ref(torch.nn.functional.silu),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="SiLU written out as x / (1 + exp(-x))",
    ),
    Case(
        name="eltwise_swiglu",
        kernel=binary_epilogue(lambda g, u: g * T.sigmoid(g) * u),
        make_inputs=_randn(2.0, n=2),
        reference=_ref(lambda g, u: torch.nn.functional.silu(g) * u),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="SwiGLU MLP epilogue silu(gate) * up",
    ),
    Case(
        name="eltwise_clamp",
        kernel=unary_epilogue(lambda x: T.min(T.max(x, -1.5), 2.0)),
        make_inputs=_randn(3.0),
        reference=_ref(lambda x: x.clamp(-1.5, 2.0)),
        shapes=SHAPES,
        tolerance=(0, 0),  # a select of input values and the bounds: exact
        source="clamp as T.min(T.max(x, lo), hi)",
    ),
    Case(
        name="eltwise_leaky_relu_select",
        kernel=unary_epilogue(lambda x: T.if_then_else(x > 0, x, x * 0.01)),
        make_inputs=_randn(3.0),
        reference=_ref(lambda x: torch.nn.functional.leaky_relu(x, 0.01)),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="leaky ReLU as T.if_then_else",
    ),
    Case(
        name="eltwise_div_max_min",
        kernel=binary_epilogue(lambda a, b: T.max(a, b) / (T.abs(T.min(a, b)) + 1.0)),
        make_inputs=_randn(3.0, n=2),
        reference=_ref(lambda a, b: torch.maximum(a, b) / (torch.minimum(a, b).abs() + 1)),
        shapes=SHAPES,
        tolerance=BF16_OUT,
        source="tile-by-tile division and element-wise T.max / T.min",
    ),
    Case(
        name="eltwise_log2_pow",
        kernel=unary_epilogue(lambda x: T.log2(x) + T.pow(x, 2) - T.exp2(-x) + T.rsqrt(x)),
        make_inputs=_randn(2.0, positive=True),
        reference=_ref(lambda x: torch.log2(x) + x**2 - torch.exp2(-x) + torch.rsqrt(x)),
        shapes=SHAPES,
        # x up to ~8: x^2 ~ 64 rounds to bf16 with 2^-8 * 64 = 0.25 absolute
        tolerance=(1e-2, 3e-2),
        source="log2 / exp2 / integer power / rsqrt",
    ),
    Case(
        name="eltwise_matmul_bias_gelu",
        kernel=matmul_bias_gelu,
        make_inputs=_gemm_inputs,
        reference=lambda a, b, bias, **_: torch.nn.functional.gelu(
            a.double() @ b.double() + bias.double(), approximate="tanh"
        ).bfloat16(),
        shapes=({"M": 128, "N": 128, "K": 256}, {"M": 100, "N": 96, "K": 80}),
        # bf16 operands, fp32 accumulation (exact products of bf16), bf16 output: 2^-8 relative
        tolerance=(1e-2, 1e-2),
        source="GEMM + bias + GELU epilogue (tilelang quickstart GEMM with a fused epilogue)",
    ),
    Case(
        name="eltwise_causal_mask",
        kernel=causal_mask_fill,
        make_inputs=_randn(1.0),
        reference=lambda s, M, N, **_: s.masked_fill(
            ~torch.ones(M, N, dtype=torch.bool).tril(), -math.inf
        ),
        shapes=(
            {"M": 128, "N": 128, "dtype": "float32"},
            {"M": 100, "N": 150, "dtype": "float32"},
            {"M": 64, "N": 192, "block_M": 32, "dtype": "bfloat16"},
        ),
        tolerance=(0, 0),  # a select between an input value and -inf: exact
        source="tilelang examples/flash_attention causal mask (index condition on bx, by, i, j)",
    ),
    Case(
        name="eltwise_length_masked_softmax",
        kernel=length_masked_softmax,
        make_inputs=_randn(3.0),
        reference=lambda s, seq_len, **_: torch.nn.functional.pad(
            torch.softmax(s[:, :seq_len].double(), -1), (0, s.shape[1] - seq_len)
        ).to(s.dtype),
        shapes=(
            {"M": 64, "N": 128, "seq_len": 100, "dtype": "float32"},
            {"M": 40, "N": 192, "seq_len": 150, "dtype": "float32"},
            # ragged rows: the mask also hides the reader's zero padding past column N
            {"M": 50, "N": 100, "seq_len": 100, "dtype": "float32"},
            {"M": 64, "N": 150, "seq_len": 120, "dtype": "float32"},
        ),
        # probabilities <= 1 through tf32 reduce operands (2^-11) and exp2 of |x| <= 16
        tolerance=(2e-2, 4e-3),
        source="varlen attention length mask `k * block_N + j >= seq_len` -> -inf",
    ),
    Case(
        name="eltwise_alloc_var_constant",
        kernel=scaled_by_var,
        make_inputs=_randn(1.0),
        reference=lambda x, N, **_: x / N - 1.0,
        shapes=({"M": 64, "N": 64, "dtype": "float32"}, {"M": 32, "N": 128, "dtype": "float32"}),
        tolerance=(1e-6, 1e-6),  # one fp32 multiply by 1/N and one subtraction
        source="T.alloc_var scalar set once to a constant; T.max_value",
    ),
    Case(
        name="eltwise_rejects_warp_shuffle",
        kernel=unary_epilogue(lambda x: x + T.shfl_xor(x, 1)),
        make_inputs=_randn(),
        reference=lambda x, **_: x,
        shapes=({"M": 32, "N": 32},),
        expect_error="warp-level SIMT intrinsics have no Tensix mapping",
        source="T.shfl_xor",
    ),
    Case(
        name="eltwise_rejects_thread_index",
        kernel=unary_epilogue(lambda x: x * T.get_thread_binding()),
        make_inputs=_randn(),
        reference=lambda x, **_: x,
        shapes=({"M": 32, "N": 32},),
        expect_error="tx is a thread index",
        source="T.get_thread_binding",
    ),
    Case(
        name="eltwise_rejects_runtime_alloc_var",
        kernel=runtime_scalar,
        make_inputs=_randn(),
        reference=lambda x, **_: x,
        shapes=({"M": 32, "N": 32},),
        expect_error="a value known only at run time; Tensix compute has no per-thread scalar",
        source="T.alloc_var holding a value read from a tile",
    ),
]
