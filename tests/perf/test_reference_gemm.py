"""The hand-written reference GEMMs (matmul_multicore_reuse and its multicast variant) compute
a @ b like torch, on any grid, with fp32 or bf16 partial sums; their blocking follows tt-metal's
host; multicast makes a DRAM-bound GEMM compute-bound in the model."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from compiler.perf.analysis import analyze
from compiler.perf.reference import eltwise_add, gemm, gemm_grid_blocks, gemm_mcast, subblock
from compiler.sim import ConfigError, Device


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
@pytest.mark.parametrize("program", [gemm, gemm_mcast])
def test_reference_gemm_matches_torch(
    program, m: int, k: int, n: int, grid, fp32_acc: bool
) -> None:
    rng = np.random.default_rng(1)
    a = rng.standard_normal((m, k)).astype(np.float32)
    b = rng.standard_normal((k, n)).astype(np.float32)
    out = program(Device("wormhole_n150"), a, b, grid=grid, fp32_acc=fp32_acc).output
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


def test_multicast_reads_each_tile_once_and_turns_a_dram_bound_gemm_compute_bound() -> None:
    rng = np.random.default_rng(3)
    a, b = (rng.standard_normal((1024, 1024)).astype(np.float32) for _ in range(2))
    perf = {
        program.__name__: analyze(
            program(Device("wormhole_n150"), a, b, math_fidelity="HiFi2").report,
            "wormhole_n150",
            "HiFi2",
        )
        for program in (gemm, gemm_mcast)
    }
    assert perf["gemm"].bottleneck == "reader"
    assert perf["gemm_mcast"].bottleneck == "compute"
    assert perf["gemm_mcast"].cycles < perf["gemm"].cycles / 2


def test_multicast_needs_one_block_per_core() -> None:
    a = np.zeros((96, 64), np.float32)
    with pytest.raises(
        ConfigError,
        match="needs one block per core: 3x3 tiles do not split evenly over the 2x2 grid",
    ):
        gemm_mcast(Device("wormhole_n150"), a, a.T.copy(), grid=(2, 2))
