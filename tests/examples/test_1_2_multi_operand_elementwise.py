"""Example 1.2: relu(A*B + C) - exp(A) via shared buffers and an fp32 fragment, on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, run_shape

import compiler
from compiler.examples import get_example

SHAPES = [s.name for s in get_example("1.2").shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("1.2", shape)
    assert_matches_torch(run.outputs[0], expected)


def test_other_seed_matches_torch():
    run, expected = run_shape("1.2", "rectangular", seed=7)
    assert_matches_torch(run.outputs[0], expected)


def test_intermediates_go_through_temporary_cbs_in_fp32():
    ex = get_example("1.2")
    plan = compiler.compile(ex.kernel(M=64, N=64)).plan
    temps = [cb for cb in plan.cbs if cb.buffer.startswith("tmp")]
    assert len(temps) == 3 and {cb.data_format for cb in temps} == {"Float32"}
    assert all(k.fp32_dest_acc_en for k in plan.kernels if k.role == "compute")


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("1.2", "one_block")
    wrong = (expected.float() + 0.25).to(torch.bfloat16)
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], wrong)
