"""Softmax-family kernels as TileLang's examples write them for GPUs: row softmax in the exp2
form of the flash-attention examples, log-softmax, the online (running max / running sum)
softmax over column blocks, RMSNorm and LayerNorm (examples/norm), and the flash-attention
forward on 2-D tiles with and without a causal mask (examples/flash_attention, one head)."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import math

import tilelang.language as T
import torch

from corpus import Case

LOG2E = 1.44269504


def row_softmax(M, N, block_M=32, dtype="float32"):
    scale = LOG2E

    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            x_shared = T.alloc_shared((block_M, N), dtype)
            x = T.alloc_fragment((block_M, N), "float")
            row_max = T.alloc_fragment((block_M,), "float")
            row_sum = T.alloc_fragment((block_M,), "float")
            T.copy(X[bx * block_M, 0], x_shared)
            T.copy(x_shared, x)
            T.fill(row_max, -T.infinity("float"))
            T.reduce_max(x, row_max, dim=1, clear=False)
            for i, j in T.Parallel(block_M, N):
                x[i, j] = T.exp2(x[i, j] * scale - row_max[i] * scale)
            T.reduce_sum(x, row_sum, dim=1)
            for i, j in T.Parallel(block_M, N):
                x[i, j] /= row_sum[i]
            T.copy(x, Y[bx * block_M, 0])

    return main


def log_softmax(M, N, block_M=32, dtype="float32"):
    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            x_shared = T.alloc_shared((block_M, N), dtype)
            x = T.alloc_fragment((block_M, N), "float")
            e = T.alloc_fragment((block_M, N), "float")
            row_max = T.alloc_fragment((block_M,), "float")
            row_sum = T.alloc_fragment((block_M,), "float")
            T.copy(X[bx * block_M, 0], x_shared)
            T.copy(x_shared, x)
            T.reduce_max(x, row_max, dim=1)
            for i, j in T.Parallel(block_M, N):
                e[i, j] = T.exp(x[i, j] - row_max[i])
            T.reduce_sum(e, row_sum, dim=1)
            for i in T.Parallel(block_M):
                row_sum[i] = T.log(row_sum[i]) + row_max[i]
            for i, j in T.Parallel(block_M, N):
                x[i, j] = x[i, j] - row_sum[i]
            T.copy(x, Y[bx * block_M, 0])

    return main


def online_softmax(M, N, block_M=32, block_N=64, dtype="float32"):
    """One pass over column blocks keeps a running max and a rescaled running sum (the
    flash-attention statistics); a second pass writes exp2(x * scale - max * scale) / sum."""
    scale = LOG2E

    @T.prim_func
    def main(X: T.Tensor((M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            x_shared = T.alloc_shared((block_M, block_N), dtype)
            acc_s = T.alloc_fragment((block_M, block_N), "float")
            scores_max = T.alloc_fragment((block_M,), "float")
            scores_max_prev = T.alloc_fragment((block_M,), "float")
            scores_scale = T.alloc_fragment((block_M,), "float")
            scores_sum = T.alloc_fragment((block_M,), "float")
            logsum = T.alloc_fragment((block_M,), "float")
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity("float"))
            for k in T.Pipelined(T.ceildiv(N, block_N), num_stages=2):
                T.copy(X[bx * block_M, k * block_N], x_shared)
                T.copy(x_shared, acc_s)
                T.copy(scores_max, scores_max_prev)
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_M):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
            for k in T.Pipelined(T.ceildiv(N, block_N), num_stages=2):
                T.copy(X[bx * block_M, k * block_N], x_shared)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(x_shared[i, j] * scale - scores_max[i] * scale) / logsum[i]
                T.copy(acc_s, Y[bx * block_M, k * block_N])

    return main


def rms_norm(M, N, blk_m=32, dtype="float"):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(M, blk_m), threads=128) as bx:
            A_shared = T.alloc_shared((blk_m, N), dtype)
            A_pow_local = T.alloc_fragment((blk_m, N), dtype)
            A_local = T.alloc_fragment((blk_m, N), dtype)
            A_powsum = T.alloc_fragment((blk_m,), dtype)

            T.copy(A[bx * blk_m : (bx + 1) * blk_m, :], A_shared)
            T.copy(A_shared, A_local)
            for i, j in T.Parallel(blk_m, N):
                A_pow_local[i, j] = A_local[i, j] * A_local[i, j]
            T.reduce_sum(A_pow_local, A_powsum, dim=1)
            for i in T.Parallel(blk_m):
                A_powsum[i] = T.rsqrt(A_powsum[i] / N) + 1e-12
            for i, j in T.Parallel(blk_m, N):
                A_local[i, j] *= A_powsum[i]
            T.copy(A_local, B[bx * blk_m : (bx + 1) * blk_m, :])

    return main


def layer_norm(N, D, eps=1e-5, blk_m=32, in_dtype="bfloat16"):
    accum_dtype = "float"

    @T.prim_func
    def main(
        X: T.Tensor((N, D), in_dtype),
        gamma: T.Tensor((D,), in_dtype),
        beta: T.Tensor((D,), in_dtype),
        Y: T.Tensor((N, D), in_dtype),
    ):
        with T.Kernel(T.ceildiv(N, blk_m), threads=256) as bx:
            X_smem = T.alloc_shared((blk_m, D), in_dtype)
            G_smem = T.alloc_shared((D,), in_dtype)
            B_smem = T.alloc_shared((D,), in_dtype)
            X_local = T.alloc_fragment((blk_m, D), accum_dtype)
            X_sq_local = T.alloc_fragment((blk_m, D), accum_dtype)
            Y_local = T.alloc_fragment((blk_m, D), in_dtype)
            sum_row = T.alloc_fragment((blk_m,), accum_dtype)
            sumsq_row = T.alloc_fragment((blk_m,), accum_dtype)
            mean_row = T.alloc_fragment((blk_m,), accum_dtype)
            rstd_row = T.alloc_fragment((blk_m,), accum_dtype)

            T.copy(X[bx * blk_m, 0], X_smem)
            T.copy(gamma, G_smem)
            T.copy(beta, B_smem)
            for i, j in T.Parallel(blk_m, D):
                X_local[i, j] = T.Cast(accum_dtype, X_smem[i, j])
            for i, j in T.Parallel(blk_m, D):
                X_sq_local[i, j] = X_local[i, j] * X_local[i, j]
            T.reduce_sum(X_local, sum_row, dim=1)
            T.reduce_sum(X_sq_local, sumsq_row, dim=1)

            inv_D = T.float32(1.0) / T.Cast(accum_dtype, D)
            for i in T.Parallel(blk_m):
                mean_row[i] = sum_row[i] * inv_D
                rstd_row[i] = T.rsqrt(
                    sumsq_row[i] * inv_D - mean_row[i] * mean_row[i] + T.Cast(accum_dtype, eps)
                )
            for i, j in T.Parallel(blk_m, D):
                norm = (X_local[i, j] - mean_row[i]) * rstd_row[i]
                Y_local[i, j] = T.Cast(
                    in_dtype,
                    norm * T.Cast(accum_dtype, G_smem[j]) + T.Cast(accum_dtype, B_smem[j]),
                )
            T.copy(Y_local, Y[bx * blk_m, 0])

    return main


def flash_attention(seq_len, dim, is_causal, block_M=64, block_N=64, dtype="bfloat16"):
    """examples/flash_attention/example_mha_fwd_bshd.py for one (batch, head): Q, K, V and the
    output are (seq_len, dim); the running max is kept across key blocks as the current
    upstream examples do (`T.max(scores_max, scores_max_prev)`), so a key block the causal mask
    hides entirely leaves it finite; without the causal mask, the key blocks past seq_len are
    masked to -inf (example_mha_fwd_bhsd.py), which also makes a ragged seq_len right. The
    causal loop bound of the GPU example
    (`T.min(..., T.ceildiv((bx + 1) * block_M, block_N))`) depends on bx; the loop here runs
    over every key block and lets the mask do the work."""
    scale = (1.0 / dim) ** 0.5 * LOG2E
    accum_dtype = "float"

    @T.prim_func
    def main(
        Q: T.Tensor((seq_len, dim), dtype),
        K: T.Tensor((seq_len, dim), dtype),
        V: T.Tensor((seq_len, dim), dtype),
        Output: T.Tensor((seq_len, dim), dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block_M), threads=128) as bx:
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum_dtype)
            acc_s_cast = T.alloc_fragment([block_M, block_N], dtype)
            acc_o = T.alloc_fragment([block_M, dim], accum_dtype)
            scores_max = T.alloc_fragment([block_M], accum_dtype)
            scores_max_prev = T.alloc_fragment([block_M], accum_dtype)
            scores_scale = T.alloc_fragment([block_M], accum_dtype)
            scores_sum = T.alloc_fragment([block_M], accum_dtype)
            logsum = T.alloc_fragment([block_M], accum_dtype)

            T.copy(Q[bx * block_M : (bx + 1) * block_M, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum_dtype))

            for k in T.Pipelined(T.ceildiv(seq_len, block_N), num_stages=1):
                T.copy(K[k * block_N : (k + 1) * block_N, :], K_shared)
                if is_causal:
                    for i, j in T.Parallel(block_M, block_N):
                        acc_s[i, j] = T.if_then_else(
                            bx * block_M + i >= k * block_N + j, 0, -T.infinity(acc_s.dtype)
                        )
                else:
                    for i, j in T.Parallel(block_M, block_N):
                        acc_s[i, j] = T.if_then_else(
                            k * block_N + j >= seq_len, -T.infinity(acc_s.dtype), 0
                        )
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True)

                T.copy(scores_max, scores_max_prev)
                T.fill(scores_max, -T.infinity(accum_dtype))
                T.reduce_max(acc_s, scores_max, dim=1, clear=False)
                for i in T.Parallel(block_M):
                    scores_max[i] = T.max(scores_max[i], scores_max_prev[i])
                for i in T.Parallel(block_M):
                    scores_scale[i] = T.exp2(scores_max_prev[i] * scale - scores_max[i] * scale)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = T.exp2(acc_s[i, j] * scale - scores_max[i] * scale)
                T.reduce_sum(acc_s, scores_sum, dim=1)
                for i in T.Parallel(block_M):
                    logsum[i] = logsum[i] * scores_scale[i] + scores_sum[i]
                T.copy(acc_s, acc_s_cast)

                for i, j in T.Parallel(block_M, dim):
                    acc_o[i, j] *= scores_scale[i]
                T.copy(V[k * block_N : (k + 1) * block_N, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o)
            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            T.copy(acc_o, Output[bx * block_M : (bx + 1) * block_M, :])

    return main


def _matrix(scale):
    def make(params, gen):
        dtype = getattr(torch, str(params.get("dtype", "float32")))
        return [(torch.randn(params["M"], params["N"], generator=gen) * scale).to(dtype)]

    return make


def _attention_inputs(params, gen):
    dtype = getattr(torch, str(params.get("dtype", "bfloat16")))
    s, d = params["seq_len"], params["dim"]
    return [torch.randn(s, d, generator=gen).to(dtype) for _ in range(3)]


def _attention_ref(q, k, v, seq_len, dim, is_causal, **_):
    scores = (q.float() @ k.float().T) / math.sqrt(dim)
    if is_causal:
        scores = scores.masked_fill(~torch.ones(seq_len, seq_len).tril().bool(), -math.inf)
    return (torch.softmax(scores, -1) @ v.float()).to(q.dtype)


def _layer_norm_inputs(params, gen):
    n, d = params["N"], params["D"]
    x = torch.randn(n, d, generator=gen).bfloat16()
    return [x, torch.randn(d, generator=gen).bfloat16(), torch.randn(d, generator=gen).bfloat16()]


CASES = [
    Case(
        name="softmax_row_exp2",
        kernel=row_softmax,
        make_inputs=_matrix(4.0),
        reference=lambda x, **_: torch.softmax(x.float(), -1).to(x.dtype),
        shapes=(
            {"M": 64, "N": 128},
            {"M": 80, "N": 64},
            {"M": 64, "N": 256, "dtype": "bfloat16"},
            {"M": 50, "N": 96, "dtype": "bfloat16"},
        ),
        # fp32: the reductions unpack x through SrcA as tf32 (2^-11 relative) and exp2 of
        # x * log2(e) (|x| <= ~16) turns that into ~1.1% relative error of the largest
        # probabilities; bf16: bf16 results (2^-8) and the sum's bf16 rounding
        tolerance=(2e-2, 4e-3),
        source="tilelang examples/flash_attention (Softmax macro, exp2 with log2(e) scale)",
    ),
    Case(
        name="softmax_log",
        kernel=log_softmax,
        make_inputs=_matrix(2.0),
        reference=lambda x, **_: torch.log_softmax(x.float(), -1).to(x.dtype),
        shapes=({"M": 64, "N": 128}, {"M": 96, "N": 64, "dtype": "bfloat16"}),
        # values ~ -10..0: tf32 input rounding (fp32), bf16 rounding of |x| <= 16 is 2^-8 * 16
        tolerance=(1e-2, 7e-2),
        source="log-softmax written like tilelang's softmax examples",
    ),
    Case(
        name="softmax_online",
        kernel=online_softmax,
        make_inputs=_matrix(3.0),
        reference=lambda x, **_: torch.softmax(x.float(), -1).to(x.dtype),
        shapes=({"M": 64, "N": 256}, {"M": 40, "N": 192}, {"M": 64, "N": 128, "dtype": "bfloat16"}),
        # as softmax_row_exp2, plus the running sum rescaled once per column block
        tolerance=(3e-2, 4e-3),
        source="tilelang examples/flash_attention online softmax statistics",
    ),
    Case(
        name="softmax_rms_norm",
        kernel=rms_norm,
        make_inputs=_matrix(1.0),
        reference=lambda x, **_: x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-12),
        shapes=({"M": 64, "N": 256}, {"M": 70, "N": 128}),
        # fp32 in and out; squares and sums go through tf32 operands (2^-11 relative)
        tolerance=(5e-3, 5e-3),
        source="tilelang examples/norm/rms_norm.py (rms_norm)",
    ),
    Case(
        name="softmax_layer_norm",
        kernel=layer_norm,
        make_inputs=_layer_norm_inputs,
        reference=lambda x, g, b, **_: torch.nn.functional.layer_norm(
            x.float(), (x.shape[-1],), g.float(), b.float(), eps=1e-5
        ).bfloat16(),
        shapes=({"N": 64, "D": 256}, {"N": 50, "D": 128}),
        # bf16 output of values up to ~4 |gamma| + |beta|: 2^-8 relative, a few ulps absolute
        tolerance=(2e-2, 6e-2),
        source="tilelang examples/norm/layernorm.py (_layernorm_fwd, Y only)",
    ),
    Case(
        name="softmax_flash_attention",
        kernel=flash_attention,
        make_inputs=_attention_inputs,
        reference=_attention_ref,
        shapes=(
            {"seq_len": 128, "dim": 64, "is_causal": False},
            {"seq_len": 192, "dim": 64, "is_causal": True},
            {"seq_len": 128, "dim": 32, "is_causal": True, "block_M": 32, "block_N": 64},
            {"seq_len": 100, "dim": 64, "is_causal": False},
            {"seq_len": 150, "dim": 32, "is_causal": False, "block_M": 32},
            # the causal mask hides the padded keys from every real query (q < 100 <= k)
            {"seq_len": 100, "dim": 64, "is_causal": True},
        ),
        # bf16 Q/K/V and output; P is cast to bf16 before P @ V (as the GPU example does)
        tolerance=(2e-2, 2e-2),
        source="tilelang examples/flash_attention/example_mha_fwd_bshd.py (one head, 2-D)",
    ),
    Case(
        name="softmax_online_rejects_ragged_columns",
        kernel=online_softmax,
        make_inputs=_matrix(3.0),
        reference=lambda x, **_: x,
        shapes=({"M": 64, "N": 100},),
        # the zero padding past column 100 would become exp2(0 - max) in the row sums
        expect_error="would take part in the reduction along dim 1",
        source="online softmax over a ragged row (no length mask)",
    ),
]
