"""Example 3.2: NHWC convolution as implicit GEMM, the im2col gather done by the reader
(proved contiguous per 32-column slice at compile time), on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, compute_inits, lowered, run_shape

import compiler
from compiler.errors import CompileError
from compiler.examples import get_example
from compiler.examples.convolution import BASE, conv2d
from compiler.frontend import from_prim_func
from compiler.ir import Gather, walk
from compiler.kernel_ir import ops as k

EXAMPLE = get_example("3.2")
SHAPES = [s.name for s in EXAMPLE.shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("3.2", shape)
    assert_matches_torch(run.outputs[0], expected)


def test_the_parallel_im2col_loop_becomes_one_gather_of_data():
    program = from_prim_func(conv2d(**BASE, P=1))
    (gather,) = [s for s in walk(program.body) if isinstance(s, Gather)]
    assert (gather.dst, gather.tensor, gather.i, gather.j) == ("data_shared", "data", "i", "j")


def test_reader_gathers_data_and_reads_weight_tiles_compute_only_multiplies():
    ir = lowered(conv2d(**BASE, P=1))
    reader_ops = [
        (type(op).__name__, op.tensor)
        for op in k.walk_ops(ir.kernels.reader.body)
        if isinstance(op, k.GatherTiles | k.ReadTiles)
    ]
    assert reader_ops == [("GatherTiles", "data"), ("ReadTiles", "weight")]
    assert compute_inits(conv2d(**BASE, P=1)) == {"MatmulInit", "CopyInit"}


def test_padding_reads_as_zeros():
    params = {**BASE, "P": 1}
    data = torch.ones(16 * 16, 32, dtype=torch.bfloat16)
    weight = torch.ones(9 * 32, 64, dtype=torch.bfloat16)
    out = compiler.run(compiler.compile(conv2d(**params)), data, weight).reshape(16, 16, 64)
    # taps inside the image x 32 channels: 4 at a corner, 6 on an edge, 9 inside
    assert out[0, 0, 0] == 4 * 32 and out[0, 5, 0] == 6 * 32 and out[5, 5, 0] == 9 * 32
    assert (out[:, :, 1:] == out[:, :, :1]).all()


def test_channels_not_a_multiple_of_32_are_rejected_naming_the_gather():
    with pytest.raises(CompileError) as err:
        compiler.compile(conv2d(**{**BASE, "C": 16}))
    assert err.value.op == "T.Parallel" and "gather of data" in err.value.reason


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("3.2", "3x3_same")
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], (expected.float() * 1.05).to(torch.bfloat16))
