"""Example 2.3: T.reduce_sum / T.reduce_max along rows, columns and the whole tensor, lowered by
operation analysis to reduce_tile with a reader-filled scaler tile, on the emulator."""

import pytest
import torch
from example_helpers import (
    assert_matches_torch,
    compiler_test_kernels,
    compute_inits,
    lowered,
    op_types,
    run_shape,
)

import compiler
from compiler.errors import CompileError
from compiler.examples import get_example
from compiler.examples.reduction import reduction
from compiler.kernel_ir import ops as k

SHAPES = [s.name for s in get_example("2.3").shapes]


@pytest.mark.parametrize("shape", SHAPES)
def test_matches_torch(shape):
    run, expected = run_shape("2.3", shape)
    assert_matches_torch(run.outputs[0], expected)


@pytest.mark.parametrize("axis", ["rows", "cols", "all"])
def test_compute_sets_up_only_reduce_copy_and_fill(axis):
    inits = compute_inits(reduction(128, 128, axis=axis, kind="max"))
    assert inits == {"ReduceInit", "CopyInit", "UnaryInit"}
    body = lowered(reduction(128, 128, axis=axis)).kernels.compute.body
    assert not op_types(body) & {"MatmulInit", "MatmulTiles", "BinaryInit", "BinaryTiles"}


@pytest.mark.parametrize(
    ("axis", "dims"),
    [("rows", {"REDUCE_ROW"}), ("cols", {"REDUCE_COL"}), ("all", {"REDUCE_ROW", "REDUCE_COL"})],
)
def test_reduce_dim_follows_the_reduced_axis(axis, dims):
    body = lowered(reduction(128, 256, axis=axis)).kernels.compute.body
    tiles = [op for op in k.walk_ops(body) if isinstance(op, k.ReduceTile)]
    assert {op.dim for op in tiles} == dims and {op.kind for op in tiles} == {"sum"}


def test_reader_fills_one_scaler_tile_outside_the_block_loop():
    ir = lowered(reduction(256, 128))
    reader = ir.kernels.reader.body
    fills = [op for op in k.walk_ops(reader) if isinstance(op, k.FillScaler)]
    assert [op.value for op in fills] == [1.0] and isinstance(reader[0], k.FillScaler)
    scaler = next(cb for cb in ir.program.cbs if cb.buffer == "scaler")
    assert (scaler.num_pages, scaler.dtype, scaler.producer) == (1, "bfloat16", "reader")


def test_vector_outputs_are_a_column_or_a_row_of_tiles():
    rows = {b.name: b for b in compiler.compile(reduction(200, 64)).plan.buffers}["Out"]
    cols = {b.name: b for b in compiler.compile(reduction(64, 200, axis="cols")).plan.buffers}[
        "Out"
    ]
    assert (rows.host_shape, rows.shape, rows.tile_rows, rows.tile_cols) == ((200,), (200, 1), 7, 1)
    assert (cols.host_shape, cols.shape, cols.tile_rows, cols.tile_cols) == ((200,), (1, 200), 1, 7)


def test_max_of_all_negative_rows_is_not_zero():
    a = -(torch.rand(128, 192, generator=torch.Generator().manual_seed(3)) + 0.5)
    a = a.to(torch.bfloat16)
    out = compiler.run(compiler.compile(reduction(128, 192, kind="max")), a)
    assert torch.equal(out, a.float().amax(dim=1).to(torch.bfloat16)) and (out < 0).all()


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("2.3", "rows_sum")
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], (expected.float() + 0.5).to(torch.bfloat16))


def test_reduce_min_is_rejected_naming_the_op():
    with pytest.raises(CompileError) as err:
        compiler.compile(compiler_test_kernels().row_min(64, 64))
    assert err.value.op == "T.reduce" and "'min'" in err.value.reason
