"""Example 2.3: T.reduce_sum / T.reduce_max along rows, columns and the whole tensor, lowered by
operation analysis to reduce_tile with a reader-filled scaler tile, on the emulator."""

import pytest
import tilelang.language as T
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
from compiler.examples.spec import ATOL, RTOL
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


def max_and_sum_rows(M, N):
    """Row maxima and row sums of the same fragment: its padding cannot serve both."""

    @T.prim_func
    def main(
        A: T.Tensor((M, N), "bfloat16"), Mx: T.Tensor((M,), "float"), S: T.Tensor((M,), "float")
    ):
        with T.Kernel(T.ceildiv(M, 64), threads=128) as bx:
            A_frag = T.alloc_fragment((64, 64), "bfloat16")
            mx = T.alloc_fragment((64,), "float")
            sm = T.alloc_fragment((64,), "float")
            T.fill(mx, -float("inf"))
            T.clear(sm)
            for k in T.Pipelined(T.ceildiv(N, 64), num_stages=2):
                T.copy(A[bx * 64, k * 64], A_frag)
                T.reduce_max(A_frag, mx, dim=1, clear=False)
                T.reduce_sum(A_frag, sm, dim=1, clear=False)
            T.copy(mx, Mx[bx * 64])
            T.copy(sm, S[bx * 64])

    return main


@pytest.mark.parametrize("axis", ["rows", "cols", "all"])
@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float32])
def test_max_over_a_ragged_dimension_of_negative_values_ignores_the_padding(axis, dtype):
    a = -(torch.rand(200, 300, generator=torch.Generator().manual_seed(4)) + 0.5).to(dtype)
    kernel = reduction(200, 300, axis=axis, kind="max", dtype=str(dtype).split(".")[1])
    out = compiler.run(compiler.compile(kernel), a)
    expected = get_example("2.3").reference(a, axis=axis, kind="max")
    # close, not equal: the FPU reads fp32 as tf32 (and PCC means nothing for axis="all")
    torch.testing.assert_close(out, expected, rtol=RTOL, atol=ATOL)
    assert (out <= -0.5).all()


def test_a_buffer_both_max_reduced_and_summed_is_rejected_naming_reduce_max():
    with pytest.raises(CompileError) as err:
        compiler.compile(max_and_sum_rows(200, 300))
    assert err.value.op == "T.reduce_max"
    assert err.value.reason.startswith("A_frag is max-reduced and also read by other ops")


def test_a_buffer_both_max_reduced_and_summed_within_the_tensor_runs():
    a = torch.randn(128, 256, generator=torch.Generator().manual_seed(5)).to(torch.bfloat16)
    mx, sm = compiler.run(compiler.compile(max_and_sum_rows(128, 256)), a)
    torch.testing.assert_close(mx, a.float().amax(dim=1), rtol=RTOL, atol=ATOL)
    torch.testing.assert_close(sm, a.float().sum(dim=1), rtol=RTOL, atol=ATOL)


def test_reference_is_not_trivially_satisfied():
    run, expected = run_shape("2.3", "rows_sum")
    with pytest.raises(AssertionError):
        assert_matches_torch(run.outputs[0], (expected.float() + 0.5).to(torch.bfloat16))


def test_reduce_min_is_rejected_naming_the_op():
    with pytest.raises(CompileError) as err:
        compiler.compile(compiler_test_kernels().row_min(64, 64))
    assert err.value.op == "T.reduce" and "'min'" in err.value.reason
