"""Float16 (IEEE half) in the emulator: host tilize/untilize and the runtime's packer and
unpacker round to nearest even exactly as torch's float16 conversion does — including +-inf,
NaN, fp16 subnormals, overflow past 65504 and ties — and a 16-bit DST fed from Float16 tiles
holds Float16, so fp16 element-wise results match torch bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler.sim import ComputeStateError, DataFormat, Device, tile_size, tilize, untilize
from compiler.sim import reference_programs as rp

F16 = DataFormat.Float16
F32 = DataFormat.Float32
HALF_MAX = 65504.0
SMALLEST_SUBNORMAL = 2.0**-24


def hard_values() -> np.ndarray:
    """A 64x64 fp32 matrix of the values where fp16 conversion goes wrong if anything does."""
    edges = [
        0.0, -0.0, np.inf, -np.inf, np.nan, 1.0, -1.0,
        HALF_MAX, -HALF_MAX, 65519.0, 65520.0, -65520.0, 1e6, 3.4e38,  # overflow to inf at 65520
        2.0**-14, 2.0**-14 * (1 - 2.0**-10),  # smallest normal, largest subnormal
        SMALLEST_SUBNORMAL, SMALLEST_SUBNORMAL * 0.5, SMALLEST_SUBNORMAL * 0.51,  # ties to zero/up
        SMALLEST_SUBNORMAL * 1.5, SMALLEST_SUBNORMAL * 2.5,  # subnormal ties to even
        1.0 + 2.0**-11, 1.0 + 3 * 2.0**-11, 2048.0 + 1.0, 2048.0 + 3.0,  # normal ties to even
        1e-30, -1e-30, 0.1, 1 / 3,
    ]  # fmt: skip
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(64 * 64) * np.exp2(rng.integers(-30, 20, 64 * 64))).astype(np.float32)
    x[: len(edges)] = edges
    return x.reshape(64, 64)


def torch_half(x: np.ndarray) -> np.ndarray:
    return torch.from_numpy(x).to(torch.float16).float().numpy()


def test_a_float16_tile_is_2048_bytes():
    assert tile_size(F16) == 2048


def test_host_tilize_rounds_like_torch_float16():
    x = hard_values()
    got = untilize(tilize(x, F16), x.shape, F16)
    np.testing.assert_array_equal(got, torch_half(x))  # NaN == NaN, signed zeros by value
    assert np.signbit(got[0, 1]) and np.isposinf(got[0, 10]) and np.isneginf(got[0, 11])


@pytest.fixture(scope="module")
def dev() -> Device:
    return Device("wormhole_n150")


def test_runtime_packer_and_unpacker_round_like_torch(dev):
    """fp32 tiles -> fp32 DST -> packed into a Float16 CB by the runtime, then read back by
    the host; and Float16 tiles unpacked by the runtime (exact in fp32) and packed as fp32."""
    x = hard_values()
    packed = rp.sfpu_unary(
        dev, x, "identity", fmt=F32, fp32_dest_acc_en=True,
        init="(void)0", call="(void)0", out_fmt=F16,
    ).output  # fmt: skip
    np.testing.assert_array_equal(packed, torch_half(x))
    widened = rp.sfpu_unary(
        dev, torch_half(x), "identity", fmt=F16, fp32_dest_acc_en=True,
        init="(void)0", call="(void)0", out_fmt=F32,
    ).output  # fmt: skip
    np.testing.assert_array_equal(widened, torch_half(x))


@pytest.mark.parametrize(
    ("op", "torch_op"), [("add", torch.add), ("sub", torch.sub), ("mul", torch.mul)]
)
def test_fp16_eltwise_in_16_bit_dst_matches_torch_bit_for_bit(dev, op, torch_op):
    """The FPU computes in fp32 from exact fp16 operands; a 16-bit DST fed from Float16 holds
    Float16, so each result is rounded once to fp16, as torch's fp16 ops do."""
    a = torch_half(hard_values())
    b = torch_half(np.random.default_rng(3).standard_normal((64, 64)).astype(np.float32) * 300)
    got = rp.eltwise_binary(dev, a, b, op, ((0, 0), (1, 1)), fmt=F16).output
    want = torch_op(torch.from_numpy(a).half(), torch.from_numpy(b).half()).float().numpy()
    np.testing.assert_array_equal(got, want)


def test_fp16_matmul_with_16_bit_dst_rounds_to_fp16_per_k_tile(dev):
    rng = np.random.default_rng(5)
    a = torch_half(rng.standard_normal((64, 96)).astype(np.float32))
    b = torch_half(rng.standard_normal((96, 64)).astype(np.float32))
    got = rp.matmul(dev, a, b, fmt=F16).output
    # three K tiles, each partial sum rounded to fp16 (relative error 2^-11 per rounding)
    want = a.astype(np.float64) @ b.astype(np.float64)
    np.testing.assert_allclose(got, want, rtol=0, atol=3 * 2.0**-11 * np.abs(want).max())
    assert np.array_equal(got, torch_half(got))  # stored as fp16


def test_typecast_tile_of_float16_is_refused_as_the_sfpu_has_no_such_conversion(dev):
    x = np.ones((32, 32), np.float32)
    with pytest.raises(
        ComputeStateError,
        match=r"typecast_tile<1 \(Float16\), 0 \(Float32\)>.*"
        r"no Float16 conversion.*pack_tile it into a CB of the target format",
    ):
        rp.sfpu_unary(
            dev, x, "typecast", fmt=F16, include="api/compute/eltwise_unary/typecast.h",
            fp32_dest_acc_en=True, init="typecast_tile_init<1, 0>()", call="typecast_tile<1, 0>(0)",
            out_fmt=F32,
        )  # fmt: skip
