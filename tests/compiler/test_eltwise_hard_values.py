"""Every element-wise op of the softmax/attention vocabulary, compiled from TileLang and run on
the emulator, against torch on hard values: +-inf, NaN, zeros of both signs, denormals, large
and tiny magnitudes, in bf16 and fp32.

Tolerances come from the arithmetic. torch computes in float64 from the same (dtype-rounded)
inputs, and its result is rounded to the dtype. bf16: the 16-bit DST rounds every op's result
to bf16 (half an ulp, 2^-9 relative) and the packer keeps it; rtol 2^-7 for one op (2 half-ulps
of slack for the C library's own error before rounding), 2^-6 where the op is two SFPU ops
(log2 = ln * 1/ln2, c / x = recip * c, x^3 = x*x*x); 0 for ops that only select or negate.
fp32: the operands reach DST unrounded (the compiler unpacks an fp32 CB that only copy_tile
reads straight to DST) and the emulator's SFPU computes in fp32 with the C library (within
2 ulp), then rounds once: rtol 2^-20. This checks the emulator's semantics; the hardware's
SFPU approximates transcendental functions (docs/simulator.md says by how much).
Denormals: inputs keep them, but results are compared only where the expected result is a
normal number, zero, inf or NaN (the hardware flushes denormal results)."""

import math

import pytest
import tilelang.language as T
import torch

import compiler

M, N = 32, 64
SPECIAL = [0.0, -0.0, math.inf, -math.inf, math.nan, 1e-40, -1e-40, 3e38, -3e38, 1e-30, 65504.0]


def _inputs(dtype: torch.dtype, seed: int, positive: bool = False) -> torch.Tensor:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(M * N, generator=gen) * 3
    x[: len(SPECIAL)] = torch.tensor(SPECIAL)
    x[len(SPECIAL) : len(SPECIAL) + 64] = torch.logspace(-30, 30, 64) * torch.sign(
        torch.randn(64, generator=gen)
    )
    x = x[torch.randperm(M * N, generator=gen)]
    return (x.abs() if positive else x).reshape(M, N).to(dtype)


def unary_kernel(fn, dtype):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(1, threads=128) as _:
            A_s = T.alloc_shared((M, N), dtype)
            C_f = T.alloc_fragment((M, N), dtype)
            T.copy(A[0, 0], A_s)
            for i, j in T.Parallel(M, N):
                C_f[i, j] = fn(A_s[i, j])
            T.copy(C_f, C[0, 0])

    return main


def binary_kernel(fn, dtype):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(1, threads=128) as _:
            A_s = T.alloc_shared((M, N), dtype)
            B_s = T.alloc_shared((M, N), dtype)
            C_f = T.alloc_fragment((M, N), dtype)
            T.copy(A[0, 0], A_s)
            T.copy(B[0, 0], B_s)
            for i, j in T.Parallel(M, N):
                C_f[i, j] = fn(A_s[i, j], B_s[i, j])
            T.copy(C_f, C[0, 0])

    return main


def row_kernel(fn, dtype):
    """x op v[i]: a column vector broadcast along each row."""

    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), V: T.Tensor((M,), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(1, threads=128) as _:
            A_s = T.alloc_shared((M, N), dtype)
            v = T.alloc_shared((M,), dtype)
            C_f = T.alloc_fragment((M, N), dtype)
            T.copy(A[0, 0], A_s)
            T.copy(V[0], v)
            for i, j in T.Parallel(M, N):
                C_f[i, j] = fn(A_s[i, j], v[i])
            T.copy(C_f, C[0, 0])

    return main


# name -> (TileLang fn, torch fn, operands (1, 2 or a row-broadcast vector), positive inputs only,
# bf16 rtol)
OPS = {
    "exp2": (T.exp2, torch.exp2, 1, False, 2**-7),
    "log": (T.log, torch.log, 1, True, 2**-7),
    "log2": (T.log2, torch.log2, 1, True, 2**-6),
    "erf": (T.erf, torch.erf, 1, False, 2**-7),
    "tanh": (T.tanh, torch.tanh, 1, False, 2**-7),
    "sigmoid": (T.sigmoid, torch.sigmoid, 1, False, 2**-7),
    "rsqrt": (T.rsqrt, torch.rsqrt, 1, True, 2**-7),
    "abs": (T.abs, torch.abs, 1, False, 0),
    "log10": (T.log10, torch.log10, 1, True, 2**-6),
    "log1p": (T.log1p, torch.log1p, 1, True, 2**-7),
    "sin": (T.sin, torch.sin, 1, False, 2**-7),
    "cos": (T.cos, torch.cos, 1, False, 2**-7),
    "floor": (T.floor, torch.floor, 1, False, 0),
    "ceil": (T.ceil, torch.ceil, 1, False, 0),
    "trunc": (T.trunc, torch.trunc, 1, False, 0),
    "nearbyint": (T.nearbyint, torch.round, 1, False, 0),
    "isnan_select": (
        lambda x: T.if_then_else(T.isnan(x), 0.0, x),
        lambda x: torch.nan_to_num(x, nan=0.0, posinf=math.inf, neginf=-math.inf),
        1,
        False,
        0,
    ),
    "isinf_select": (
        lambda x: T.if_then_else(T.isinf(x), -1.0, x),
        lambda x: torch.where(torch.isinf(x), -1.0, x),
        1,
        False,
        0,
    ),
    # clamp is max then min: compare-and-select, so NaN comes out as the lower bound
    "clamp": (
        lambda x: T.clamp(x, -2.0, 3.0),
        lambda x: (lambda y: torch.where(y < 3.0, y, 3.0))(torch.where(x > -2.0, x, -2.0)),
        1,
        False,
        0,
    ),
    "fast_rcp": (T.fast_rcp, torch.reciprocal, 1, False, 2**-7),
    "ieee_fsqrt": (lambda x: T.ieee_fsqrt(x, "rn"), torch.sqrt, 1, True, 2**-7),
    "neg": (lambda x: -x, torch.neg, 1, False, 0),
    "cube": (lambda x: T.pow(x, 3), lambda x: x**3, 1, False, 2**-6),
    "div_const": (lambda x: x / T.float32(7.0), lambda x: x / 7.0, 1, False, 2**-7),
    "recip_scaled": (lambda x: 3.0 / x, lambda x: 3.0 / x, 1, False, 2**-6),
    "max_const": (lambda x: T.max(x, 0.5), lambda x: torch.where(x > 0.5, x, 0.5), 1, False, 0),
    "min_const": (lambda x: T.min(x, -0.5), lambda x: torch.where(x < -0.5, x, -0.5), 1, False, 0),
    "gt_const": (
        lambda x: T.if_then_else(x > 1.0, x, 0.0),
        lambda x: torch.where(x > 1, x, 0.0),
        1,
        False,
        0,
    ),
    # FlashAttention's Check_inf: a row max of -inf becomes 0 before exp2
    "eq_neg_inf": (
        lambda x: T.if_then_else(x == -T.infinity(x.dtype), 0.0, x),
        lambda x: torch.where(x == -math.inf, 0.0, x),
        1,
        False,
        0,
    ),
    "div": (lambda a, b: a / b, torch.div, 2, False, 2**-7),
    # the SFPU's max/min compare and select: a NaN second operand is dropped (see simulator.md)
    "max": (T.max, lambda a, b: torch.where(a < b, b, a), 2, False, 0),
    "min": (T.min, lambda a, b: torch.where(a > b, b, a), 2, False, 0),
    "select_le": (
        lambda a, b: T.if_then_else(a <= b, a, b),
        lambda a, b: torch.where(a <= b, a, b),
        2,
        False,
        0,
    ),
    "div_row": (lambda a, v: a / v, torch.div, "row", False, 2**-7),
    "sub_row_first": (lambda a, v: v - a, lambda a, v: v - a, "row", False, 2**-7),
}


# TVM builds isnan/isinf for float32 only ("Data type bfloat16 not supported for isnan op")
FP32_ONLY = {"isnan_select", "isinf_select"}


@pytest.mark.parametrize("dtype", ["bfloat16", "float32"])
@pytest.mark.parametrize("name", sorted(OPS))
def test_op_matches_torch_on_hard_values(name, dtype):
    if name in FP32_ONLY and dtype == "bfloat16":
        pytest.skip("TileLang cannot build T.isnan / T.isinf of bfloat16")
    tl_fn, torch_fn, arity, positive, bf16_rtol = OPS[name]
    tdt = getattr(torch, dtype)
    a = _inputs(tdt, 0, positive)
    if arity == 1:
        func, inputs, want = unary_kernel(tl_fn, dtype), (a,), torch_fn(a.double())
    elif arity == 2:
        b = _inputs(tdt, 1, positive)
        func, inputs, want = binary_kernel(tl_fn, dtype), (a, b), torch_fn(a.double(), b.double())
    else:
        v = _inputs(tdt, 2, positive)[:, 0].contiguous()
        func, inputs = row_kernel(tl_fn, dtype), (a, v)
        want = torch_fn(a.double(), v.double()[:, None])
    got = compiler.run(compiler.compile(func), *inputs).double()
    # results the bf16/fp32 output cannot hold: overflow to inf as torch's cast would
    want = want.to(tdt).double()
    normal = want.abs() >= torch.finfo(tdt).tiny
    compare = normal | (want == 0) | ~torch.isfinite(want)
    rtol = bf16_rtol if dtype == "bfloat16" else 2**-20
    torch.testing.assert_close(
        got[compare], want[compare], rtol=rtol, atol=torch.finfo(tdt).tiny, equal_nan=True
    )
