"""Attention-shaped kernels on 4-D tensors, written as TileLang's flash-attention examples write
them for GPUs: (batch, heads, seq, dim) "BHSD" and (batch, seq, heads, dim) "BSHD" layouts, a
3-D grid (seq blocks, heads, batch), windows `Q[bz, by, bx * block_M:(bx + 1) * block_M, :]`.
No softmax here (that vocabulary is another family): copies, scaling, per-head Q K^T."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case

# bf16 results: one rounding of the output, 2^-8 relative; the gemms' fp32 sums of bf16-exact
# products (tf32 operands for the fp32 shapes) are far more precise, so that rounding dominates.
BF16 = (1e-2, 1e-2)


def bhsd_scale(batch, heads, seq_len, dim, block_M=64, dtype="bfloat16"):
    shape = [batch, heads, seq_len, dim]

    @T.prim_func
    def main(Q: T.Tensor(shape, dtype), Output: T.Tensor(shape, dtype)):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads, batch, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            O_local = T.alloc_fragment([block_M, dim], dtype)
            T.copy(Q[bz, by, bx * block_M : (bx + 1) * block_M, :], Q_shared)
            for i, j in T.Parallel(block_M, dim):
                O_local[i, j] = Q_shared[i, j] * 0.125
            T.copy(O_local, Output[bz, by, bx * block_M : (bx + 1) * block_M, :])

    return main


def bshd_to_bhsd(batch, heads, seq_len, dim, block_M=64, dtype="bfloat16"):
    """The head index is the middle dim of the input: its windows are (seq, dim) panels."""

    @T.prim_func
    def main(
        Q: T.Tensor([batch, seq_len, heads, dim], dtype),
        Output: T.Tensor([batch, heads, seq_len, dim], dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads, batch, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            T.copy(Q[bz, bx * block_M : (bx + 1) * block_M, by, :], Q_shared)
            T.copy(Q_shared, Output[bz, by, bx * block_M : (bx + 1) * block_M, :])

    return main


def bshd_residual_add(batch, heads, seq_len, dim, block_M=64, dtype="bfloat16"):
    """Global accesses straight in a T.Parallel nest (tilelang's elementwise style), BSHD."""
    shape = [batch, seq_len, heads, dim]

    @T.prim_func
    def main(X: T.Tensor(shape, dtype), R: T.Tensor(shape, dtype), Y: T.Tensor(shape, dtype)):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads, batch, threads=128) as (bx, by, bz):
            for i, j in T.Parallel(block_M, dim):
                Y[bz, bx * block_M + i, by, j] = (
                    X[bz, bx * block_M + i, by, j] + R[bz, bx * block_M + i, by, j]
                )

    return main


def qk_scores(batch, heads, seq_len, dim, block_M=64, block_N=64, layout="bhsd", dtype="bfloat16"):
    """S = Q K^T * scale per (batch, head), key blocks in a serial loop: the first half of a
    flash-attention forward without the softmax."""
    qk_shape = [batch, heads, seq_len, dim] if layout == "bhsd" else [batch, seq_len, heads, dim]
    scale = dim**-0.5
    accum_dtype = "float"

    def window(X, b, h, s, n):
        if layout == "bhsd":
            return X[b, h, s * n : (s + 1) * n, :]
        return X[b, s * n : (s + 1) * n, h, :]

    @T.prim_func
    def main(
        Q: T.Tensor(qk_shape, dtype),
        K: T.Tensor(qk_shape, dtype),
        S: T.Tensor([batch, heads, seq_len, seq_len], dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads, batch, threads=128) as (bx, by, bz):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum_dtype)
            T.copy(window(Q, bz, by, bx, block_M), Q_shared)
            for k in T.serial(T.ceildiv(seq_len, block_N)):
                T.copy(window(K, bz, by, k, block_N), K_shared)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True)
                for i, j in T.Parallel(block_M, block_N):
                    acc_s[i, j] = acc_s[i, j] * scale
                T.copy(acc_s, S[bz, by, bx * block_M, k * block_N])

    return main


def gqa_scores(batch, heads, kv_heads, seq_len, dim, block_M=64, block_N=64, dtype="bfloat16"):
    """Grouped-query attention's scores: a flattened (heads * batch) grid dim split with // and %,
    and K's head `hid // groups` shared by a group of query heads."""
    groups = heads // kv_heads
    accum_dtype = "float"

    @T.prim_func
    def main(
        Q: T.Tensor([batch, heads, seq_len, dim], dtype),
        K: T.Tensor([batch, kv_heads, seq_len, dim], dtype),
        S: T.Tensor([batch, heads, seq_len, seq_len], dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block_M), heads * batch, threads=128) as (bx, by):
            Q_shared = T.alloc_shared([block_M, dim], dtype)
            K_shared = T.alloc_shared([block_N, dim], dtype)
            acc_s = T.alloc_fragment([block_M, block_N], accum_dtype)
            bz = by // heads
            hid = by % heads
            T.copy(Q[bz, hid, bx * block_M : (bx + 1) * block_M, :], Q_shared)
            for k in T.serial(T.ceildiv(seq_len, block_N)):
                T.copy(K[bz, hid // groups, k * block_N : (k + 1) * block_N, :], K_shared)
                T.clear(acc_s)
                T.gemm(Q_shared, K_shared, acc_s, transpose_B=True)
                T.copy(acc_s, S[bz, hid, bx * block_M, k * block_N])

    return main


def all_heads_scale(batch, heads, seq_len, dim, block_M=32, dtype="bfloat16"):
    """One block covers every head of a sequence window: a 3-D T.Parallel nest and a 3-D
    fragment (heads stacked panels)."""
    shape = [batch, heads, seq_len, dim]

    @T.prim_func
    def main(X: T.Tensor(shape, dtype), Y: T.Tensor(shape, dtype)):
        with T.Kernel(T.ceildiv(seq_len, block_M), batch, threads=128) as (bx, by):
            X_shared = T.alloc_shared([heads, block_M, dim], dtype)
            Y_local = T.alloc_fragment([heads, block_M, dim], dtype)
            T.copy(X[by, 0:heads, bx * block_M : (bx + 1) * block_M, :], X_shared)
            for h, i, j in T.Parallel(heads, block_M, dim):
                Y_local[h, i, j] = X_shared[h, i, j] * X_shared[h, i, j] - X_shared[h, i, j]
            T.copy(Y_local, Y[by, 0:heads, bx * block_M : (bx + 1) * block_M, :])

    return main


def _randn(*shapes):
    def make(params, gen):
        dtype = getattr(torch, params.get("dtype", "bfloat16"))
        b, h, s, d = (params[k] for k in ("batch", "heads", "seq_len", "dim"))
        dims = {"bhsd": (b, h, s, d), "bshd": (b, s, h, d)}
        return [torch.randn(dims[x], generator=gen).to(dtype) for x in shapes]

    return make


def _gqa_inputs(params, gen):
    dtype = getattr(torch, params.get("dtype", "bfloat16"))
    b, h, kv, s, d = (params[k] for k in ("batch", "heads", "kv_heads", "seq_len", "dim"))
    return [torch.randn(shape, generator=gen).to(dtype) for shape in ((b, h, s, d), (b, kv, s, d))]


def _gqa_ref(q, k, heads, kv_heads, **_):
    keys = k.float().repeat_interleave(heads // kv_heads, dim=1)
    return (q.float() @ keys.transpose(-1, -2)).to(q.dtype)


def _qk_ref(q, k, layout="bhsd", **p):
    if layout == "bshd":
        q, k = q.transpose(1, 2), k.transpose(1, 2)
    s = q.float() @ k.float().transpose(-1, -2) * p["dim"] ** -0.5
    return s.to(q.dtype)


SHAPES = (
    {"batch": 2, "heads": 4, "seq_len": 128, "dim": 64},
    {"batch": 1, "heads": 3, "seq_len": 100, "dim": 32},  # ragged seq
    {"batch": 2, "heads": 2, "seq_len": 64, "dim": 64, "dtype": "float32"},
)

CASES = [
    Case(
        name="nd_bhsd_scale",
        kernel=bhsd_scale,
        make_inputs=_randn("bhsd"),
        reference=lambda q, **_: (q.float() * 0.125).to(q.dtype),
        shapes=SHAPES,
        tolerance=(0, 0),  # a scale by a power of two is exact
        source="tilelang examples/flash_attention (BHSD windows, 3-D grid)",
    ),
    Case(
        name="nd_bshd_to_bhsd",
        kernel=bshd_to_bhsd,
        make_inputs=_randn("bshd"),
        reference=lambda q, **_: q.transpose(1, 2).contiguous(),
        shapes=SHAPES,
        tolerance=(0, 0),  # data movement only
        source="tilelang examples/flash_attention (BSHD inputs, head index in the middle)",
    ),
    Case(
        name="nd_bshd_residual_add",
        kernel=bshd_residual_add,
        make_inputs=_randn("bshd", "bshd"),
        reference=lambda x, r, **_: (x.float() + r.float()).to(x.dtype),
        shapes=SHAPES,
        tolerance=BF16,
        source="tilelang examples/elementwise (global accesses in T.Parallel), BSHD",
    ),
    Case(
        name="nd_qk_scores_bhsd",
        kernel=qk_scores,
        make_inputs=_randn("bhsd", "bhsd"),
        reference=_qk_ref,
        shapes=SHAPES,
        tolerance=BF16,
        source="tilelang examples/flash_attention/example_mha_fwd_bhsd.py (Q K^T part)",
    ),
    Case(
        name="nd_qk_scores_bshd",
        kernel=qk_scores,
        make_inputs=_randn("bshd", "bshd"),
        reference=_qk_ref,
        shapes=tuple({**s, "layout": "bshd"} for s in SHAPES),
        tolerance=BF16,
        source="tilelang examples/flash_attention/example_mha_fwd_bshd.py (Q K^T part)",
    ),
    Case(
        name="nd_gqa_scores_flattened_grid",
        kernel=gqa_scores,
        make_inputs=_gqa_inputs,
        reference=_gqa_ref,
        shapes=(
            {"batch": 2, "heads": 4, "kv_heads": 2, "seq_len": 128, "dim": 64},
            {"batch": 1, "heads": 6, "kv_heads": 2, "seq_len": 100, "dim": 32},  # ragged
            {"batch": 2, "heads": 2, "kv_heads": 1, "seq_len": 64, "dim": 64, "dtype": "float32"},
        ),
        tolerance=(1e-2, 6e-2),  # |S| up to ~40: bf16 output rounding, 2^-8 relative
        source="tilelang examples/flash_attention/example_gqa_fwd_bshd.py (head groups, Q K^T)",
    ),
    Case(
        name="nd_all_heads_stacked",
        kernel=all_heads_scale,
        make_inputs=_randn("bhsd"),
        reference=lambda x, **_: (x.float() * x.float() - x.float()).to(x.dtype),
        shapes=SHAPES,
        tolerance=BF16,
        source="3-D fragments over heads (tilelang examples/deepseek_mla style stacked heads)",
    ),
]
