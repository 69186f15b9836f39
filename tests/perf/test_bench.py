"""The perf bench: a wrong answer is never timed, and throughput counts only the problem's work."""

import pytest
import torch

from compiler.examples import get_example
from compiler.perf.bench import BenchError, _check, run_generated, tolerance


def test_a_result_off_by_a_constant_factor_is_rejected_although_its_pcc_is_one():
    expected = torch.randn(64, 64, generator=torch.Generator().manual_seed(0))
    with pytest.raises(BenchError, match=r"^scaled: wrong result \(max \|diff\| .* beyond rtol"):
        _check("scaled", 2 * expected, expected, (2e-2, 2e-2))
    _check("exact", expected.clone(), expected, (2e-2, 2e-2))


def test_tflops_of_a_ragged_gemm_count_2mnk_not_the_padded_tiles():
    params = {"M": 200, "N": 300, "K": 100, "block_M": 64, "block_N": 64, "block_K": 32}
    perf = run_generated(get_example("1.3"), params, "ragged", "wormhole_n150").perf
    assert perf.flops == 2 * 200 * 300 * 100
    # the kernels multiply 256x320x128 (whole 64x64 blocks, 32-deep K steps)
    assert perf.executed_flops == 2 * 256 * 320 * 128
    assert perf.tflops == pytest.approx(perf.flops / perf.seconds / 1e12)


def test_an_example_without_matmul_work_claims_no_throughput():
    perf = run_generated(get_example("1.1"), {"M": 64, "N": 64}, "add", "wormhole_n150").perf
    assert (perf.flops, perf.tflops, perf.pct_peak) == (0, 0.0, 0.0)


def test_a_hifi2_gemm_is_held_to_the_example_tolerance_plus_6_std_of_its_truncation():
    example, params = get_example("1.3"), {"M": 1024, "N": 1024, "K": 1024}
    assert tolerance(example, params, "HiFi4") == (2e-2, 2e-2)
    assert tolerance(example, params, "HiFi2") == (2e-2, 2e-2 + 6 * 2**-7 * 32)
    # still far below what a wrong scale gives: |C| ~ sqrt(K) = 32 for unit-normal inputs
    expected = 32 * torch.randn(64, 64, generator=torch.Generator().manual_seed(1))
    with pytest.raises(BenchError):
        _check("scaled", 1.1 * expected, expected, tolerance(example, params, "HiFi2"))


@pytest.mark.parametrize("shape", ["rows_max", "cols_max_fp32", "all_max_ragged"])
def test_every_shape_is_checked_against_its_own_reference(shape):
    """2.3's max shapes take `kind="max"` through the example's reference params: compared with
    a plain `reference(*inputs)` (a sum) the right kernel was reported wrong and not timed."""
    example = get_example("2.3")
    params = next(s.params for s in example.shapes if s.name == shape)
    assert run_generated(example, params, shape, "wormhole_n150").perf.cycles > 0


@pytest.mark.slow
def test_every_shape_of_every_example_benches():
    """What `tt-ws bench` runs, minus the hand-written pairs: no example is left unbenchable
    (3.3's two-program split-K included)."""
    from compiler.examples import MODULES
    from compiler.perf.bench import bench_example

    for example_id in MODULES:
        shapes, _ = bench_example(example_id, pairs=False)
        assert all(s.generated.perf.cycles > 0 for s in shapes), example_id
