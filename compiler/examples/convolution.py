"""Example 3.2 — 2-D convolution (NHWC, stride, padding) as implicit GEMM, written as tilelang's
`examples/convolution` does but on 2-D views of the NHWC tensors (`data` as (N*H*W, C), the
HWCF weights as (KH*KW*C, F), the output as (N*OH*OW, F)): each K-step gathers a block of the
im2col matrix with a T.Parallel loop (zero outside the padded image) and multiplies it with a
block of the weights."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import Example, Shape


def conv2d(
    N,
    C,
    H,
    W,
    F,
    KH,
    KW,
    S=1,
    P=0,
    block_M=64,
    block_N=64,
    block_K=32,
    num_stages=2,
    dtype="bfloat16",
    accum_dtype="float",
):
    OH = (H + 2 * P - KH) // S + 1
    OW = (W + 2 * P - KW) // S + 1

    @T.prim_func
    def main(
        data: T.Tensor((N * H * W, C), dtype),
        weight: T.Tensor((KH * KW * C, F), dtype),
        out: T.Tensor((N * OH * OW, F), dtype),
    ):
        with T.Kernel(T.ceildiv(F, block_N), T.ceildiv(N * OH * OW, block_M), threads=128) as (
            bx,
            by,
        ):
            data_shared = T.alloc_shared((block_M, block_K), dtype)
            weight_shared = T.alloc_shared((block_K, block_N), dtype)
            out_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            T.clear(out_local)
            for k_iter in T.Pipelined(T.ceildiv(KH * KW * C, block_K), num_stages=num_stages):
                for i, j in T.Parallel(block_M, block_K):
                    m = by * block_M + i
                    k = k_iter * block_K + j
                    n = m // (OH * OW)
                    oh = m % (OH * OW) // OW
                    ow = m % OW
                    h = oh * S + k // (KW * C) - P
                    w = ow * S + k // C % KW - P
                    inside = (h >= 0) and (w >= 0) and (h < H) and (w < W)
                    data_shared[i, j] = T.if_then_else(
                        inside, data[(n * H + h) * W + w, k % C], T.cast(0, dtype)
                    )
                T.copy(weight[k_iter * block_K, bx * block_N], weight_shared)
                T.gemm(data_shared, weight_shared, out_local)
            T.copy(out_local, out[by * block_M, bx * block_N])

    return main


def out_size(params: dict[str, int | str]) -> tuple[int, int]:
    s, p = int(params.get("S", 1)), int(params.get("P", 0))
    oh = (int(params["H"]) + 2 * p - int(params["KH"])) // s + 1
    ow = (int(params["W"]) + 2 * p - int(params["KW"])) // s + 1
    return oh, ow


def make_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    """data (N*H*W, C) and weight (KH*KW*C, F): NHWC and HWCF tensors viewed as 2-D."""
    n, c, h, w = (int(params[x]) for x in ("N", "C", "H", "W"))
    f, kh, kw = (int(params[x]) for x in ("F", "KH", "KW"))
    data = torch.randn((n * h * w, c), generator=gen).to(torch.bfloat16)
    weight = (torch.randn((kh * kw * c, f), generator=gen) / (kh * kw * c) ** 0.5).to(
        torch.bfloat16
    )
    return [data, weight]


def reference(data: torch.Tensor, weight: torch.Tensor, **params) -> torch.Tensor:
    n, c, h, w = (params[x] for x in ("N", "C", "H", "W"))
    f, kh, kw = (params[x] for x in ("F", "KH", "KW"))
    s, p = params.get("S", 1), params.get("P", 0)
    x = data.float().reshape(n, h, w, c).permute(0, 3, 1, 2)  # NCHW for torch
    wt = weight.float().reshape(kh, kw, c, f).permute(3, 2, 0, 1)  # FCHW
    y = torch.nn.functional.conv2d(x, wt, stride=s, padding=p)
    return y.permute(0, 2, 3, 1).reshape(-1, f).to(data.dtype)


BASE = {"N": 1, "C": 32, "H": 16, "W": 16, "F": 64, "KH": 3, "KW": 3}
EXAMPLE = Example(
    id="3.2",
    title="Convolution",
    kernel=conv2d,
    make_inputs=make_inputs,
    reference=reference,
    reference_params=("N", "C", "H", "W", "F", "KH", "KW", "S", "P"),
    shapes=(
        Shape("3x3_same", "3x3, stride 1, padding 1 (same size)", {**BASE, "P": 1}),
        Shape("3x3_valid", "3x3, no padding: 14x14 output", dict(BASE)),
        Shape("3x3_stride2", "3x3, stride 2, padding 1", {**BASE, "S": 2, "P": 1}),
        Shape(
            "batch2_c64",
            "batch 2, 64 channels, 2 K-blocks per kernel tap",
            {**BASE, "N": 2, "C": 64, "P": 1},
        ),
        Shape("1x1", "1x1 convolution (a plain GEMM over pixels)", {**BASE, "KH": 1, "KW": 1}),
        Shape(
            "5x5_f128",
            "5x5, padding 2, 128 filters on 2 column blocks",
            {**BASE, "KH": 5, "KW": 5, "P": 2, "F": 128},
        ),
    ),
)
