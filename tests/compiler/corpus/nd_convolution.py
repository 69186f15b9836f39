"""tilelang's examples/convolution as written there for GPUs (the non-Hopper branch): NHWC data
(4-D) gathered im2col-style in a T.Parallel nest, HWCF weights and the NHWC output used through
flat 2-D views declared in the kernel (`T.Tensor((KH * KW * C, F), dtype, kernel.data)`)."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case


def convolution(
    N, C, H, W, F, K, S, D, P, block_M=64, block_N=64, block_K=32, num_stages=2, dtype="bfloat16"
):
    KH, KW = K, K
    OH = (H + 2 * P - D * (K - 1) - 1) // S + 1
    OW = (W + 2 * P - D * (K - 1) - 1) // S + 1
    accum_dtype = "float"

    @T.prim_func
    def main(
        data: T.Tensor((N, H, W, C), dtype),
        kernel: T.Tensor((KH, KW, C, F), dtype),
        out: T.Tensor((N, OH, OW, F), dtype),
    ):
        with T.Kernel(T.ceildiv(F, block_N), T.ceildiv(N * OH * OW, block_M), threads=128) as (
            bx,
            by,
        ):
            data_shared = T.alloc_shared((block_M, block_K), dtype)
            kernel_shared = T.alloc_shared((block_K, block_N), dtype)
            out_local = T.alloc_fragment((block_M, block_N), accum_dtype)
            out_shared = T.alloc_shared((block_M, block_N), dtype)

            kernel_flat = T.Tensor((KH * KW * C, F), dtype, kernel.data)
            out_flat = T.Tensor((N * OH * OW, F), dtype, out.data)

            T.clear(out_local)
            for k_iter in T.Pipelined(T.ceildiv(KH * KW * C, block_K), num_stages=num_stages):
                for i, j in T.Parallel(block_M, block_K):
                    k = k_iter * block_K + j
                    m = by * block_M + i
                    access_h = m % (OH * OW) // OW * S + k // (KW * C) * D - P
                    access_w = m % OW * S + k // C % KW * D - P
                    in_bound = (
                        (access_h >= 0) and (access_w >= 0) and (access_h < H) and (access_w < W)
                    )
                    data_shared[i, j] = T.if_then_else(
                        in_bound, data[m // (OH * OW), access_h, access_w, k % C], 0
                    )
                T.copy(kernel_flat[k_iter * block_K, bx * block_N], kernel_shared)
                T.gemm(data_shared, kernel_shared, out_local)

            T.copy(out_local, out_shared)
            T.copy(out_shared, out_flat[by * block_M, bx * block_N])

    return main


def _inputs(p, gen):
    dtype = getattr(torch, p.get("dtype", "bfloat16"))
    n, c, h, w, f, k = (p[x] for x in ("N", "C", "H", "W", "F", "K"))
    data = torch.randn((n, h, w, c), generator=gen).to(dtype)
    kernel = (torch.randn((k, k, c, f), generator=gen) / (k * k * c) ** 0.5).to(dtype)
    return [data, kernel]


def _reference(data, kernel, S, D, P, **_):
    x = data.float().permute(0, 3, 1, 2)
    w = kernel.float().permute(3, 2, 0, 1)
    y = torch.nn.functional.conv2d(x, w, stride=S, padding=P, dilation=D)
    return y.permute(0, 2, 3, 1).to(data.dtype)


CASES = [
    Case(
        name="nd_convolution_nhwc_example",
        kernel=convolution,
        make_inputs=_inputs,
        reference=_reference,
        shapes=(
            {"N": 1, "C": 32, "H": 8, "W": 8, "F": 32, "K": 3, "S": 1, "D": 1, "P": 1},
            {"N": 2, "C": 64, "H": 10, "W": 9, "F": 48, "K": 3, "S": 2, "D": 1, "P": 1},
            {"N": 1, "C": 32, "H": 9, "W": 7, "F": 40, "K": 3, "S": 1, "D": 2, "P": 2},
            {
                "N": 1,
                "C": 32,
                "H": 6,
                "W": 6,
                "F": 32,
                "K": 3,
                "S": 1,
                "D": 1,
                "P": 0,
                "dtype": "float32",
            },
        ),
        # |out| ~ 1 (weights scaled by 1/sqrt(fan-in)); bf16 output rounding 2^-8 relative, and
        # the fp32 shape's tf32 operands (2^-11 relative each) over K*K*C terms
        tolerance=(2e-2, 2e-2),
        source="tilelang examples/convolution/example_convolution.py (non-Hopper im2col branch)",
    ),
]
