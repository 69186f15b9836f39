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


def test_intermediates_stay_in_the_fp32_dst():
    """relu(A*B + C) and exp(A) are computed into two DST slots and subtracted there by the
    SFPU (sub_binary_tile), with no temporary CB round trip."""
    ex = get_example("1.2")
    artifact = compiler.compile(ex.kernel(M=64, N=64))
    assert not [cb for cb in artifact.plan.cbs if cb.buffer.startswith("tmp")]
    assert "sub_binary_tile(" in artifact.sources["compute.cpp"]
    assert all(k.fp32_dest_acc_en for k in artifact.plan.kernels if k.role == "compute")


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("1.2", "one_block")
    wrong = (expected.float() + 0.25).to(torch.bfloat16)
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], wrong)
