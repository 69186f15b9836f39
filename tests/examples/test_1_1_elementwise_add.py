"""Example 1.1: tilelang's element-wise add (Parallel over global tensors) on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, compiler_test_kernels, run_shape

import compiler
from compiler.examples import get_example

SHAPES = [s.name for s in get_example("1.1").shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("1.1", shape)
    assert_matches_torch(run.outputs[0], expected)


def test_bf16_add_is_exact_to_torch_rounding():
    run, expected = run_shape("1.1", "one_block", seed=3)
    assert torch.equal(run.outputs[0], expected)


def test_every_cb_is_drained_on_every_core():
    run, _ = run_shape("1.1", "more_blocks_than_cores")
    assert all(s.pages_pushed == s.pages_popped > 0 for s in run.report.cb_stats.values())


def test_blocks_past_the_ragged_edge_are_not_written():
    run, expected = run_shape("1.1", "ragged")
    assert run.outputs[0].shape == (200, 300)
    assert_matches_torch(run.outputs[0], expected)


def test_run_api_accepts_inputs_only_or_all_parameters():
    ex = get_example("1.1")
    artifact = compiler.compile(ex.kernel(M=64, N=96))
    a, b = ex.make_inputs({"M": 64, "N": 96}, torch.Generator().manual_seed(1))
    c = torch.zeros(64, 96, dtype=torch.bfloat16)
    result = compiler.run(artifact, a, b, c)
    assert torch.equal(result, c) and torch.equal(compiler.run(artifact, a, b), c)
    torch.testing.assert_close(c.float(), (a + b).float())


def test_blackhole_target_runs_on_its_13x10_grid():
    ex = get_example("1.1")
    artifact = compiler.compile(ex.kernel(M=1024, N=1024), target="blackhole_p150")
    assert len(artifact.plan.cores) == 130
    a, b = ex.make_inputs({"M": 1024, "N": 1024}, torch.Generator().manual_seed(2))
    assert_matches_torch(compiler.run(artifact, a, b), a + b)


def test_bounds_guarded_variant_matches_torch():
    tl_kernels = compiler_test_kernels()

    a, b = get_example("1.1").make_inputs({"M": 200, "N": 300}, torch.Generator().manual_seed(4))
    out = compiler.run(compiler.compile(tl_kernels.guarded_add(200, 300)), a, b)
    assert torch.equal(out, a + b)
