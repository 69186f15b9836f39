"""Example 4.1 — FlashAttention forward as TileLang's
examples/flash_attention/example_mha_fwd_bhsd.py writes it for GPUs: (batch, heads, seq, dim)
tensors, a 3-D grid (query blocks, heads, batch), T.Pipelined over key/value blocks up to the
causal diagonal, the online softmax in exp2 form with the log2(e) scale, -T.infinity fills, a
T.if_then_else causal (or key-length) mask and acc_o /= logsum; plus the base-2 log-sum-exp per
query (`lse`) that the backward pass reads, as example_mha_bwd_bhsd.py's forward writes it."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import math

import tilelang.language as T
import torch

from compiler.examples.spec import Example, Shape

LOG2E = 1.44269504


def flashattn(
    batch, heads, seq_q, seq_kv, dim, is_causal, block_M=64, block_N=64, num_stages=1, threads=128
):
    scale = (1.0 / dim) ** 0.5 * LOG2E  # log2(e)
    q_shape = [batch, heads, seq_q, dim]
    kv_shape = [batch, heads, seq_kv, dim]
    dtype = "bfloat16"
    accum_dtype = "float"

    past_len = seq_kv - seq_q
    assert past_len >= 0, "seq_kv must be greater than or equal to seq_q"

    @T.prim_func
    def main(
        Q: T.Tensor(q_shape, dtype),
        K: T.Tensor(kv_shape, dtype),
        V: T.Tensor(kv_shape, dtype),
        Output: T.Tensor(q_shape, dtype),
        lse: T.Tensor([batch, heads, seq_q], accum_dtype),
    ):
        with T.Kernel(T.ceildiv(seq_q, block_M), heads, batch, threads=threads) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            V_shared = T.alloc_shared([block_N, dim], dtype)
            O_shared = T.alloc_shared([block_M, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum_dtype)
            acc_s_cast = T.alloc_fragment([block_M, block_N], dtype)
            acc_o = T.alloc_fragment([block_M, dim], accum_dtype)
            scores_max = T.alloc_fragment([block_M], accum_dtype)
            scores_max_prev = T.alloc_fragment([block_M], accum_dtype)
            scores_scale = T.alloc_fragment([block_M], accum_dtype)
            scores_sum = T.alloc_fragment([block_M], accum_dtype)
            logsum = T.alloc_fragment([block_M], accum_dtype)

            T.copy(Q[bz, by, bx * block_M : (bx + 1) * block_M, :], Q_shared)
            T.fill(acc_o, 0)
            T.fill(logsum, 0)
            T.fill(scores_max, -T.infinity(accum_dtype))

            loop_range = (
                T.min(T.ceildiv(seq_kv, block_N), T.ceildiv((bx + 1) * block_M + past_len, block_N))
                if is_causal
                else T.ceildiv(seq_kv, block_N)
            )

            for k in T.Pipelined(loop_range, num_stages=num_stages):
                T.copy(K[bz, by, k * block_N : (k + 1) * block_N, :], K_shared)
                if is_causal:
                    for i, j in T.Parallel(block_M, block_N):
                        q_idx = bx * block_M + i + past_len
                        k_idx = k * block_N + j
                        acc_s[i, j] = T.if_then_else(q_idx >= k_idx, 0, -T.infinity(acc_s.dtype))
                else:
                    for i, j in T.Parallel(block_M, block_N):
                        acc_s[i, j] = T.if_then_else(
                            k * block_N + j >= seq_kv, -T.infinity(acc_s.dtype), 0
                        )
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True, policy=T.GemmWarpPolicy.FullRow)

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

                T.copy(V[bz, by, k * block_N : (k + 1) * block_N, :], V_shared)
                T.gemm(acc_s_cast, V_shared, acc_o, policy=T.GemmWarpPolicy.FullRow)

            for i, j in T.Parallel(block_M, dim):
                acc_o[i, j] /= logsum[i]
            T.copy(acc_o, O_shared)
            T.copy(O_shared, Output[bz, by, bx * block_M : (bx + 1) * block_M, :])
            for i in T.Parallel(block_M):
                logsum[i] = T.log2(logsum[i]) + scores_max[i] * scale
            T.copy(logsum, lse[bz, by, bx * block_M : (bx + 1) * block_M])

    return main


def make_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    """Unit-normal Q (batch, heads, seq_q, dim), K and V (batch, heads, seq_kv, dim) in bf16."""
    b, h, d = (int(params[n]) for n in ("batch", "heads", "dim"))
    q_shape, kv_shape = ((b, h, int(params[s]), d) for s in ("seq_q", "seq_kv"))
    return [torch.randn(s, generator=gen).to(torch.bfloat16) for s in (q_shape, kv_shape, kv_shape)]


def reference(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, is_causal: bool = False
) -> tuple[torch.Tensor, torch.Tensor]:
    """(torch's scaled_dot_product_attention in fp32 rounded to bf16, the log-sum-exp of the
    scaled scores in base 2 in fp32). The causal mask is aligned to the bottom right (query i
    sees keys up to i + seq_kv - seq_q), as the TileLang example's `past_len` has it; torch's
    `is_causal` aligns it to the top left, so it is passed as a mask."""
    seq_q, seq_kv = q.shape[2], k.shape[2]
    keep = torch.ones(seq_q, seq_kv).tril(seq_kv - seq_q).bool() if is_causal else None
    qf, kf, vf = q.float(), k.float(), v.float()
    out = torch.nn.functional.scaled_dot_product_attention(qf, kf, vf, attn_mask=keep)
    scores = qf @ kf.transpose(-1, -2) / math.sqrt(q.shape[-1])
    if keep is not None:
        scores = scores.masked_fill(~keep, -math.inf)
    return out.to(q.dtype), torch.logsumexp(scores, dim=-1) * LOG2E


def flops(params: dict[str, int | str]) -> int:
    """4·S_q·S_kv·D·H·B (Q K^T and P V), halved for causal: the work the mask leaves."""
    b, h, sq, skv, d = (int(params[n]) for n in ("batch", "heads", "seq_q", "seq_kv", "dim"))
    total = 4 * b * h * sq * skv * d
    return total // 2 if params["is_causal"] else total


def tolerance(params: dict[str, int | str]) -> tuple[float, float]:
    """The output is bf16 (2^-8 relative: rtol 1e-2). Scores are exact fp32 sums of bf16
    products and the softmax statistics are fp32, but P is rounded to bf16 (2^-9 relative per
    weight) before P V, as on GPUs: a weighted mean of V rows (|V| <= ~4.5 for unit normals)
    with weights off by 2^-9 moves by at most 2^-9 * 4.5 ~ 0.009; atol 2e-2 covers it and
    exp2's few-ulp SFPU error. lse (log2 units, |lse| <= ~10 here) is fp32 throughout: its
    error is exp2/log2's SFPU approximation and the tf32 reading of fp32 operands by the FPU's
    source registers (2^-11 relative), a few 1e-3 measured; the same bound covers it."""
    return 1e-2, 2e-2


def _attention(name, why, batch, heads, seq, dim, is_causal, seq_kv=None):
    params = {"batch": batch, "heads": heads, "seq_q": seq, "seq_kv": seq_kv or seq, "dim": dim}
    return Shape(name, why, {**params, "is_causal": is_causal})


EXAMPLE = Example(
    id="4.1",
    title="FlashAttention forward",
    kernel=flashattn,
    make_inputs=make_inputs,
    reference=reference,
    reference_params=("is_causal",),
    tolerance=tolerance,
    flops=flops,
    shapes=(
        _attention("one_block", "one 64-row query block, one key block", 1, 1, 64, 64, False),
        _attention("one_block_causal", "one block, the diagonal mask", 1, 1, 64, 64, True),
        _attention(
            "heads_batches_causal", "2 batches x 3 heads x 4 query blocks", 2, 3, 256, 64, True
        ),
        _attention(
            "more_blocks_than_cores",
            "8 heads x 16 query blocks: 128 blocks on 64 cores",
            1,
            8,
            1024,
            64,
            False,
        ),
        _attention("dim128", "head dim 128, 2 heads", 1, 2, 256, 128, False),
        _attention("dim128_causal", "head dim 128, causal", 2, 2, 256, 128, True),
        _attention("ragged", "seq 200: the key mask hides the padded keys", 2, 2, 200, 128, False),
        _attention(
            "ragged_causal",
            "seq 200: the causal mask hides the padded keys of every real query",
            2,
            3,
            200,
            64,
            True,
        ),
        _attention(
            "kv_longer_causal",
            "100 queries after 100 past keys (past_len 100, ragged)",
            1,
            2,
            100,
            64,
            True,
            seq_kv=200,
        ),
        _attention(
            "kv_ragged_causal",
            "128 queries after 72 past keys: whole query blocks, ragged keys",
            1,
            2,
            128,
            64,
            True,
            seq_kv=200,
        ),
        _attention(
            "bench_s2048_d128",
            "the issue's perf shape: B=1, H=8, S=2048, D=128",
            1,
            8,
            2048,
            128,
            False,
        ),
        _attention(
            "bench_s2048_d128_causal",
            "the perf shape, causal",
            1,
            8,
            2048,
            128,
            True,
        ),
    ),
)
