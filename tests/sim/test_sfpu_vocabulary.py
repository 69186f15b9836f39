"""The SFPU ops added for the softmax/attention vocabulary, called from a hand-written compute
kernel on the emulator (as tt-metal kernels call them) and compared with torch in bf16: each
result is the fp32 value rounded once to the 16-bit DST's bf16, so the comparison is exact."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from compiler.sim import ComputeStateError, Device, round_to_bf16
from compiler.sim import reference_programs as rp

KERNEL_API = "api/compute/compute_kernel_api.h"


def bits(value: float) -> int:
    return int(np.array([value], np.float32).view(np.uint32)[0])


@pytest.fixture(scope="module")
def dev() -> Device:
    return Device("wormhole_n150")


@pytest.fixture
def x() -> np.ndarray:
    values = np.random.default_rng(0).standard_normal((32, 32)).astype(np.float32) * 3
    values.flat[:6] = [0.0, -0.0, math.inf, -math.inf, 1e-30, 60.0]
    return round_to_bf16(values)


def bf16(t: torch.Tensor) -> np.ndarray:
    return t.float().to(torch.bfloat16).float().numpy()


CASES = {
    "exp2": (KERNEL_API, "exp2_tile_init()", "exp2_tile(0)", torch.exp2),
    "log2": (
        KERNEL_API,
        "log_with_base_tile_init()",
        f"log_with_base_tile(0, {bits(1 / math.log(2)):#x}u)",
        lambda t: torch.log(t) * torch.tensor(1 / math.log(2), dtype=torch.float32),
    ),
    "erf": ("api/compute/eltwise_unary/erf_erfc.h", "erf_tile_init()", "erf_tile(0)", torch.erf),
    "cube": (
        KERNEL_API,
        "power_iterative_tile_init()",
        "power_iterative_tile(0, 3u)",
        lambda t: t * t * t,
    ),
    "max_half": (
        KERNEL_API,
        "unary_max_tile_init()",
        f"unary_max_tile(0, {bits(0.5):#x}u)",
        lambda t: torch.where(t > 0.5, t, 0.5),
    ),
    "ge_one": (
        "api/compute/eltwise_unary/comp.h",
        "unary_ge_tile_init()",
        f"unary_ge_tile(0, {bits(1.0):#x}u)",
        lambda t: (t >= 1.0).float(),
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_unary_sfpu_op_matches_torch(dev, x, name):
    header, init, call, reference = CASES[name]
    got = rp.sfpu_unary(dev, x, name, include=header, init=init, call=call).output
    want = bf16(reference(torch.from_numpy(x)))
    finite = np.isfinite(want) & (np.abs(want) >= np.finfo(np.float32).tiny) | (want == 0)
    np.testing.assert_array_equal(got[finite], want[finite])
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


def test_where_selects_between_two_dst_tiles_on_a_comparison(dev, x):
    """slot 1 = x + x, slot 3 = x - x, slot 2 = x > slot 3; out = where(slot 2, slot 1, x)."""
    call = (
        "add_binary_tile_init(); add_binary_tile(0, 0, 1);"
        " sub_binary_tile_init(); sub_binary_tile(0, 0, 3);"
        " gt_binary_tile_init(); gt_binary_tile(0, 3, 2);"
        " where_tile_init(); where_tile<DataFormat::Float16_b>(2, 1, 0, 0)"
    )
    got = rp.sfpu_unary(
        dev, x, "where",
        include=("api/compute/eltwise_unary/where.h", "api/compute/eltwise_binary_sfpu.h"),
        init="(void)0", call=call,
    ).output  # fmt: skip
    t = torch.from_numpy(x)
    np.testing.assert_array_equal(got, bf16(torch.where(t > t - t, t + t, t)))


def test_div_binary_of_two_dst_tiles(dev, x):
    call = "fill_tile_init(); fill_tile(1, 3.0f); div_binary_tile_init(); div_binary_tile(0, 1, 0)"
    got = rp.sfpu_unary(
        dev, x, "div",
        include=("api/compute/eltwise_binary_sfpu.h", "api/compute/eltwise_unary/fill.h"),
        init="(void)0", call=call,
    ).output  # fmt: skip
    np.testing.assert_array_equal(got, bf16(torch.from_numpy(x) / 3.0))


def test_where_in_another_format_than_the_dst_is_refused(dev, x):
    with pytest.raises(ComputeStateError, match=r"use where_tile<DataFormat::Float16_b>"):
        rp.sfpu_unary(
            dev, x, "where", include="api/compute/eltwise_unary/where.h",
            init="where_tile_init()", call="where_tile<DataFormat::Float32>(0, 0, 0, 0)",
        )  # fmt: skip
