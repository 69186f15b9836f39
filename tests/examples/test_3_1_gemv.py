"""Example 3.1: GEMV as broadcast multiply (mul_tiles_bcast_rows) + row reduction (reduce_tile),
with the vector read as row 0 of its tiles only, on the emulator."""

import pytest
import torch
from example_helpers import assert_matches_torch, compute_inits, lowered, run_shape

import compiler
from compiler.backends.sim import execute
from compiler.examples import get_example
from compiler.examples.gemv import gemv
from compiler.kernel_ir import ops as k

EXAMPLE = get_example("3.1")
SHAPES = [s.name for s in EXAMPLE.shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("3.1", shape)
    assert_matches_torch(run.outputs[0], expected)


@pytest.mark.parametrize("seed", [1, 9])
def test_error_is_only_the_bf16_rounding_of_the_result(seed):
    """bf16 products are exact in the FPU and accumulate in fp32 DST: what is left is rounding
    the result to bf16 (2^-8 relative) and fp32 summation order."""
    params = {"N": 256, "K": 4096}
    a, x = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(seed))
    out = compiler.run(compiler.compile(gemv(**params)), a, x).double()
    exact = a.double() @ x.double()
    bound = exact.abs() * 2**-8 + (a.double().abs() @ x.double().abs()) * 2**-20
    assert ((out - exact).abs() <= bound).all()


def test_multiply_and_row_sum_become_one_transposed_matvec_gemm():
    from compiler.frontend import from_prim_func
    from compiler.ir import Gemm, walk
    from compiler.passes.fuse import fuse_matvec

    program = fuse_matvec(from_prim_func(gemv(256, 512)))
    (gemm,) = [s for s in walk(program.body) if isinstance(s, Gemm)]
    assert (gemm.a, gemm.b, gemm.c, gemm.trans_b, gemm.clear_accum) == (
        "A_s",
        "x_s",
        "acc",
        True,
        False,
    )
    assert program.buffer("prod") is None


def test_compute_sets_up_only_a_transposed_matmul_and_copies():
    func = gemv(256, 512)
    assert compute_inits(func) == {"MatmulInit", "CopyInit"}
    body = lowered(func).kernels.compute.body
    assert {op.transpose for op in k.walk_ops(body) if isinstance(op, k.MatmulInit)} == {True}


def test_vector_x_is_a_row_of_tiles_and_y_a_column():
    buffers = {b.name: b for b in compiler.compile(gemv(200, 300)).plan.buffers}
    assert (buffers["x"].shape, buffers["x"].tile_rows, buffers["x"].tile_cols) == ((1, 300), 1, 10)
    assert (buffers["y"].shape, buffers["y"].tile_rows, buffers["y"].tile_cols) == ((200, 1), 7, 1)


def test_reader_moves_full_a_tiles_but_only_row_0_of_x_tiles():
    reads = [
        op
        for op in k.walk_ops(lowered(gemv(128, 128)).kernels.reader.body)
        if isinstance(op, k.ReadTiles)
    ]
    assert {(op.tensor, op.row0_only) for op in reads} == {("A", False), ("x", True)}
    params = {"N": 128, "K": 128}
    inputs = EXAMPLE.make_inputs(params, torch.Generator().manual_seed(0))
    run = execute(compiler.compile(gemv(**params)), inputs)
    # A: 4x4 tiles of 2048 B; x: 4 tiles, of which two 16-element bf16 face rows (2 x 32 B)
    assert run.report.kernel_stats[((0, 0), "reader")].noc_bytes == 16 * 2048 + 4 * 64


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("3.1", "tall")
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], (expected.float() * 1.05).to(torch.bfloat16))
