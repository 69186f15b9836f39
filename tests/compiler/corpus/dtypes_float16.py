"""fp16 kernels as TileLang's examples write them for GPUs: element-wise over global tensors
(examples/elementwise), staged through shared memory (quickstart), the README GEMM with
`dtype="float16"` and fp32 accumulation, and casts between float16, float32 and bfloat16
(examples/cast; the README GEMM and the cast kernels are example 1.3's and 2.2's) on values that exercise the conversion: +-inf, NaN, fp16 subnormals, overflow
past 65504. Casts to/from fp16 anywhere but the whole stored value, and integer, mask and fp8
tensors, are rejected with the message the compiler gives."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.cast import cast_global, cast_shared
from compiler.examples.simple_gemm import matmul
from corpus import Case

HALF = {"dtype": "float16"}


def elementwise_add(M, N, block_M=32, block_N=32, dtype="float16"):
    @T.prim_func
    def main(
        A: T.Tensor((M, N), dtype),
        B: T.Tensor((M, N), dtype),
        C: T.Tensor((M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            for local_y, local_x in T.Parallel(block_M, block_N):
                y = by * block_M + local_y
                x = bx * block_N + local_x
                C[y, x] = A[y, x] + B[y, x]

    return main


def staged_scale_exp(M, N, block_M=64, block_N=64, dtype="float16"):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            A_s = T.alloc_shared((block_M, block_N), dtype)
            B_s = T.alloc_shared((block_M, block_N), dtype)
            C_f = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(A[by * block_M, bx * block_N], A_s)
            T.copy(B[by * block_M, bx * block_N], B_s)
            for i, j in T.Parallel(block_M, block_N):
                C_f[i, j] = T.exp(A_s[i, j]) * B_s[i, j] - B_s[i, j]
            T.copy(C_f, C[by * block_M, bx * block_N])

    return main


def scaled_cast(M, N, block_M=32, block_N=32):
    """Scaling in fp32, then narrowing to fp16 in the same expression (a dequantize epilogue)."""

    @T.prim_func
    def main(A: T.Tensor((M, N), "float32"), B: T.Tensor((M, N), "float16")):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            for i, j in T.Parallel(block_M, block_N):
                y = by * block_M + i
                x = bx * block_N + j
                B[y, x] = T.cast(A[y, x], "float16") * T.float16(0.5)

    return main


def _hard(shape, gen) -> torch.Tensor:
    """fp32 values over many binades, with the fp16 conversion's edge cases in the first row."""
    x = torch.randn(shape, generator=gen) * torch.exp2(
        torch.randint(-28, 18, shape, generator=gen).float()
    )
    edges = [float("inf"), -float("inf"), float("nan"), 65504.0, 65520.0, -1e6, 2.0**-24]
    edges += [2.0**-25, 2.0**-25 * 1.5, 2.0**-14 * 0.75, 1.0 + 2.0**-11, -0.0]
    x.view(-1)[: len(edges)] = torch.tensor(edges)
    return x


def _inputs(count):
    def make(params, gen):
        dtype = getattr(torch, str(params.get("dtype", params.get("in_dtype", "float16"))))
        shape = (params["M"], params["K"]) if "K" in params else (params["M"], params["N"])
        tensors = [torch.randn(shape, generator=gen).to(dtype) for _ in range(count)]
        if "K" in params:
            tensors[1] = torch.randn((params["K"], params["N"]), generator=gen).to(dtype)
        return tensors

    return make


def _cast_inputs(params, gen):
    return [_hard((params["M"], params["N"]), gen).to(getattr(torch, str(params["in_dtype"])))]


def _cast_reference(a, out_dtype, **_):
    return a.to(getattr(torch, out_dtype))


CAST_SHAPES = tuple(
    {"M": m, "N": n, "in_dtype": i, "out_dtype": o}
    for (m, n), (i, o) in zip(
        [(64, 64), (96, 200), (64, 128), (200, 130), (32, 64), (128, 64)],
        [
            ("float32", "float16"),
            ("float16", "float32"),
            ("bfloat16", "float16"),
            ("float16", "bfloat16"),
            ("float16", "float32"),
            ("float32", "float16"),
        ],
        strict=True,
    )
)
EXACT = (0.0, 0.0)

CASES = [
    Case(
        name="fp16_elementwise_add",
        kernel=elementwise_add,
        make_inputs=lambda params, gen: [
            _hard((params["M"], params["N"]), gen).half(),
            # sums past 65504 overflow to inf; inf + -inf and NaN give NaN, as in torch
            _hard((params["M"], params["N"]), gen).flip(1).half(),
        ],
        # fp16 operands are exact in the FPU's source registers; a 16-bit DST fed from Float16
        # holds Float16, so the sum is rounded once to fp16, as torch's fp16 add does: exact
        reference=lambda a, b, **_: a + b,
        shapes=({"M": 64, "N": 64}, {"M": 256, "N": 320}, {"M": 100, "N": 70}),
        tolerance=EXACT,
        source="tilelang examples/elementwise (elementwise_add.py), dtype float16",
    ),
    Case(
        name="fp16_staged_exp_mul_sub",
        kernel=staged_scale_exp,
        make_inputs=_inputs(2),
        # each op rounds to fp16 as torch's fp16 ops do; the SFPU exp is the C library's expf
        # (ulp-level differences from torch's before rounding), so allow one fp16 ulp (2^-10)
        reference=lambda a, b, **_: torch.exp(a) * b - b,
        shapes=({"M": 64, "N": 64}, {"M": 192, "N": 128}, {"M": 130, "N": 70}),
        tolerance=(2.0**-10, 2.0**-14),
        source="tilelang quickstart (shared staging), dtype float16",
    ),
    Case(
        name="fp16_gemm_fp32_accumulation",
        kernel=matmul,
        make_inputs=_inputs(2),
        # fp16 operands are exact in the source registers and their products in fp32; DST
        # accumulates in fp32 (only the summation order differs from torch), then one rounding
        # to fp16: one fp16 ulp (2^-10 relative) plus fp32 reordering noise (K * 2^-24 * |a||b|)
        reference=lambda a, b, **_: (a.float() @ b.float()).half(),
        shapes=tuple(
            {"block_M": 64, "block_N": 64, "num_stages": 2, **HALF, **shape}
            for shape in (
                {"M": 64, "N": 64, "K": 64},
                {"M": 256, "N": 192, "K": 320},
                {"M": 128, "N": 64, "K": 96, "block_M": 128},
                {"M": 100, "N": 70, "K": 90},
            )
        ),
        tolerance=(2.0**-10, 1e-4),
        source="tilelang README GEMM with dtype float16, accum_dtype float",
    ),
    *(
        Case(
            name=f"fp16_cast_{style}",
            kernel=kernel,
            make_inputs=_cast_inputs,
            # the unpacker widens exactly and the packer rounds to nearest even like torch,
            # inf/NaN/subnormals/overflow included: exact
            reference=_cast_reference,
            shapes=CAST_SHAPES,
            tolerance=EXACT,
            source="tilelang examples/cast (T.cast in a T.Parallel nest)",
        )
        for style, kernel in (("global", cast_global), ("shared", cast_shared))
    ),
    Case(
        name="fp16_cast_inside_an_expression",
        kernel=scaled_cast,
        make_inputs=lambda params, gen: [],
        reference=lambda **_: torch.zeros(0),
        shapes=({"M": 64, "N": 64},),
        expect_error=r"T\.cast: float32 -> float16 inside an expression: .*store the cast into a "
        r"float16 buffer on its own",
        source="dequantize epilogues (cast, then scale)",
    ),
]
