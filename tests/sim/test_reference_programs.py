"""The reference kernels (eltwise binary, SFPU unary, matmul, reduce) compiled and run on 1 and
64 emulated cores, compared with torch (PCC and allclose)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler.sim import DataFormat, Device, round_to_bf16
from compiler.sim import reference_programs as rp

ONE_CORE = (0, 0)
ALL_64 = ((0, 0), (7, 7))


def pcc(a: np.ndarray, b: np.ndarray) -> float:
    return float(
        np.corrcoef(np.asarray(a, np.float64).ravel(), np.asarray(b, np.float64).ravel())[0, 1]
    )


def bf16_torch(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(x).to(torch.bfloat16)


@pytest.fixture(scope="module")
def dev() -> Device:
    return Device("wormhole_n150")


@pytest.fixture(scope="module")
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


@pytest.mark.parametrize("cores", [ONE_CORE, ALL_64], ids=["1core", "64cores"])
@pytest.mark.parametrize("op", ["add", "sub", "mul"])
def test_eltwise_binary_matches_torch(dev, rng, cores, op):
    a = rng.standard_normal((256, 320)).astype(np.float32)
    b = rng.standard_normal((256, 320)).astype(np.float32)
    expected = getattr(torch, op)(bf16_torch(a), bf16_torch(b)).float().numpy()
    got = rp.eltwise_binary(dev, a, b, op, cores).output
    assert pcc(got, expected) >= 0.999
    # bf16 inputs, fp32 math, one RNE rounding: bit-identical to torch's bf16 op
    np.testing.assert_array_equal(got, expected)
