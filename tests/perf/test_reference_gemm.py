"""The hand-written reference GEMM (matmul_multicore_reuse style) computes a @ b like torch, on
any grid, with fp32 or bf16 partial sums; and its blocking follows tt-metal's host."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler.perf.reference import eltwise_add, gemm, gemm_grid_blocks, subblock
from compiler.sim import Device


def _bf16(x: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(x).to(torch.bfloat16).float()


@pytest.mark.parametrize(
    ("m", "k", "n", "grid", "fp32_acc"),
    [
        (256, 256, 256, (8, 8), True),  # one tile per core
        (256, 384, 512, (2, 2), True),  # 4x8-tile blocks, 2x2 subblocks, 6 K blocks
        (128, 192, 128, (1, 1), False),  # bf16 partials, 8-tile subblocks
    ],
)
def test_reference_gemm_matches_torch(m: int, k: int, n: int, grid, fp32_acc: bool) -> None:
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    out = gemm(Device("wormhole_n150"), a, b, grid=grid, fp32_acc=fp32_acc).output
    expected = (_bf16(a) @ _bf16(b)).numpy()
    assert np.corrcoef(out.ravel(), expected.ravel())[0, 1] > 0.9999
    assert np.abs(out - expected).max() <= 0.02 * np.abs(expected).max()


def test_reference_eltwise_add_matches_torch() -> None:
    rng = np.random.default_rng(2)
    a, b = (rng.standard_normal((256, 256)).astype(np.float32) for _ in range(2))
    out = eltwise_add(Device("wormhole_n150"), a, b).output
    np.testing.assert_allclose(out, (_bf16(a) + _bf16(b)).numpy(), rtol=1e-2, atol=1e-2)


def test_blocking_splits_the_output_over_the_grid_like_tt_metals_host() -> None:
    assert gemm_grid_blocks(32, 32, (8, 8)) == (4, 4)  # 1024^2 output: 128x128 per core
    assert gemm_grid_blocks(64, 64, (8, 8)) == (8, 8)  # 2048^2: 256x256 per core
    assert gemm_grid_blocks(6, 10, (8, 8)) == (1, 2)  # uneven: largest even split
    assert subblock(8, 8, 4) == (2, 2)
    assert subblock(4, 8, 8) == (2, 4)
    assert subblock(3, 5, 4) == (3, 1)
