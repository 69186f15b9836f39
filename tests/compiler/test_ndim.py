"""Tensors of rank >= 3 are stacks of 2-D tile panels tiled over the dims their windows span;
local buffers of rank >= 3 are stacked panels (or one panel, when one loop variable indexes
every access); windows the layouts cannot serve are errors that say what to write."""

import pytest
import tilelang.language as T
import torch
from corpus import nd_attention_layouts as attn
from corpus import nd_batched_gemm as bg
from corpus import nd_grids as grids

import compiler
from compiler.errors import CompileError, located
from compiler.frontend import from_prim_func
from compiler.frontend.ndim import Panels
from compiler.ir import Affine, Copy


def test_panels_put_the_tiled_dims_last_and_number_panels_row_major():
    p = Panels.of((2, 3, 4, 5), (1, 3))
    assert p.order == (0, 2, 1, 3)
    assert (p.count, p.view) == (8, (3, 5))
    assert (p.stride(0), p.stride(2)) == (4, 1)


def test_a_bshd_tensor_read_per_head_is_tiled_over_seq_and_dim():
    program = from_prim_func(attn.bshd_to_bhsd(2, 4, 128, 64))
    q, out = program.tensor("Q"), program.tensor("Output")
    assert (q.dim_order, q.panels, q.shape) == ((0, 2, 1, 3), 8, (128, 64))
    assert (out.dim_order, out.panels) == ((0, 1, 2, 3), 8)
    read, write = program.body
    assert isinstance(read, Copy) and isinstance(write, Copy)
    # panel (bz, by) of the (batch, heads) panels: bz * heads + by
    assert read.src.panel == Affine((("by", 1), ("bz", 4)))
    assert read.src.start == (Affine((("bx", 64),)), Affine())
    assert write.dst.panel == read.src.panel


def test_a_window_over_a_leading_dim_reads_several_panels_into_a_stacked_buffer():
    program = from_prim_func(grids.stacked_pair(64, 64))
    read = program.body[0]
    assert (read.src.panels, read.src.panel_stride, read.src.shape) == (2, 1, (128, 64))
    assert program.buffer("Z_shared").shape == (128, 64)


def test_a_buffer_indexed_by_one_loop_variable_holds_one_panel():
    program = from_prim_func(bg.matmul_batched(2, 64, 64, 64))
    assert program.buffer("A_shared").shape == (64, 32)
    assert program.buffer("B_shared").shape == (32, 64)


def indexed_by_grid(M, dtype="bfloat16"):
    @T.prim_func
    def main(A: T.Tensor((2, M, M), dtype), B: T.Tensor((2, M, M), dtype)):
        with T.Kernel(2, threads=128) as bx:
            A_s = T.alloc_shared((2, M, M), dtype)
            T.copy(A[bx, 0, 0], A_s[bx, :, :])
            T.copy(A_s[0, :, :], B[bx, 0, 0])

    return main


def test_a_stacked_buffer_used_one_panel_at_a_time_is_rejected():
    with pytest.raises(CompileError, match="is used one panel at a time") as err:
        from_prim_func(indexed_by_grid(32))
    assert "test_ndim.py" in err.value.where


def test_the_plan_tells_the_host_how_to_lay_out_an_nd_tensor():
    plan = compiler.compile(attn.bshd_to_bhsd(1, 3, 100, 32)).plan
    q = next(b for b in plan.buffers if b.name == "Q")
    assert (q.host_shape, q.dim_order, q.panels, q.shape) == (
        (1, 100, 3, 32),
        (0, 2, 1, 3),
        3,
        (100, 32),
    )
    assert q.num_pages == 3 * 4 * 1


def test_a_bshd_window_moves_exactly_that_head():
    artifact = compiler.compile(attn.bshd_to_bhsd(2, 3, 96, 32, block_M=32))
    q = torch.arange(2 * 96 * 3 * 32, dtype=torch.float32).reshape(2, 96, 3, 32) % 251
    out = compiler.run(artifact, q.bfloat16())
    assert torch.equal(out.float(), q.transpose(1, 2))


def test_errors_raised_late_take_the_location_of_the_statement_being_lowered():
    with pytest.raises(CompileError) as err, located("kernel.py:7, TIR `x`"):
        raise CompileError("T.Parallel", "no tile operation")
    assert str(err.value) == "T.Parallel: no tile operation (at kernel.py:7, TIR `x`)"
    with pytest.raises(CompileError) as kept, located("elsewhere"):
        raise CompileError("T.copy", "bad", "kernel.py:3")
    assert kept.value.where == "kernel.py:3"


def view_and_direct(M, dtype="bfloat16"):
    @T.prim_func
    def main(A: T.Tensor((2, M, M), dtype), B: T.Tensor((2, M, M), dtype)):
        with T.Kernel(2, threads=128) as bx:
            A_flat = T.Tensor((2 * M, M), dtype, A.data)
            A_s = T.alloc_shared((M, M), dtype)
            T.copy(A_flat[bx * M, 0], A_s)
            T.copy(A[bx, 0:M, 0:M], A_s)
            T.copy(A_s, B[bx, 0, 0])

    return main


def test_a_parameter_used_both_directly_and_through_a_view_is_rejected():
    with pytest.raises(CompileError, match="viewed as one 2-D reshape of its data"):
        from_prim_func(view_and_direct(32))


def test_a_flat_view_lays_the_parameter_out_as_the_view():
    from corpus import nd_convolution as conv

    program = from_prim_func(conv.convolution(1, 32, 8, 8, 32, 3, 1, 1, 1))
    kernel, data = program.tensor("kernel"), program.tensor("data")
    assert (kernel.shape, kernel.host_shape, kernel.panels) == ((288, 32), (3, 3, 32, 32), 1)
    assert (data.shape, data.dim_order, data.panels) == ((8, 32), (0, 1, 2, 3), 8)


def test_a_flattened_grid_splits_into_coordinates_the_block_loop_computes():
    program = from_prim_func(attn.gqa_scores(2, 4, 2, 128, 64))
    assert {(d.name, d.var, d.op, d.by) for d in program.derived} == {
        ("by_div4", "by", "/", 4),
        ("by_mod4", "by", "%", 4),
        ("by_mod4_div2", "by_mod4", "/", 2),
    }
    reader = compiler.compile(attn.gqa_scores(2, 4, 2, 128, 64)).sources["reader.cpp"]
    assert "const uint32_t by_mod4_div2 = by_mod4 / 2;" in reader


def scaled_grid_division(M, dtype="bfloat16"):
    @T.prim_func
    def main(A: T.Tensor((4, M, M), dtype), B: T.Tensor((4, M, M), dtype)):
        with T.Kernel(4, threads=128) as bx:
            A_s = T.alloc_shared((M, M), dtype)
            T.copy(A[(bx * 3) // 4, 0, 0], A_s)
            T.copy(A_s, B[bx, 0, 0])

    return main


def test_division_of_anything_but_a_grid_coordinate_stays_an_error():
    with pytest.raises(CompileError, match=r"is not affine in loop variables"):
        from_prim_func(scaled_grid_division(32))


def test_rows_of_a_2d_tensor_copied_into_vectors_are_panels_of_one_row():
    program = from_prim_func(bg.expert_linear(4, 64, 128, 64))
    bias = program.tensor("bias")
    assert (bias.shape, bias.panels, bias.dim_order) == ((1, 128), 4, (0, 1))
    read = next(s for s in program.body if isinstance(s, Copy) and s.src.buffer == "bias")
    assert read.src.panel == Affine((("bz", 1),))
    assert read.src.shape == (32, 64)  # whole tiles, the row in row 0 of each


def test_columns_copied_into_column_vectors_are_panels_of_one_column():
    program = from_prim_func(grids.token_scales(2, 128, 64))
    scale = program.tensor("scale")
    assert (scale.shape, scale.panels) == ((128, 1), 2)


def bshd_through_lets(B, S, H, D, block=32, dtype="bfloat16"):
    @T.prim_func
    def main(X: T.Tensor((B, S, H, D), dtype), Y: T.Tensor((B, S, H, D), dtype)):
        with T.Kernel(T.ceildiv(S, block), H, B, threads=128) as (bx, by, bz):
            for i, j in T.Parallel(block, D):
                s = bx * block + i
                Y[bz, s, by, j] = X[bz, s, by, j] * 2.0

    return main


def test_indices_bound_by_lets_decide_the_tiled_dims_too():
    program = from_prim_func(bshd_through_lets(2, 64, 3, 32))
    assert program.tensor("X").dim_order == (0, 2, 1, 3)
    x = torch.randn(2, 64, 3, 32).bfloat16()
    out = compiler.run(compiler.compile(bshd_through_lets(2, 64, 3, 32)), x)
    assert torch.equal(out, (x.float() * 2).bfloat16())


def accumulated_per_batch(M, dtype="bfloat16"):
    @T.prim_func
    def main(X: T.Tensor((2, M, M), dtype), Y: T.Tensor((2, M, M), dtype)):
        with T.Kernel(1, threads=128) as bx:
            X_s = T.alloc_shared((M, M), dtype)
            acc = T.alloc_fragment((2, M, M), dtype)
            for r in T.serial(2):
                for b in T.serial(2):
                    T.copy(X[b, bx * M, 0], X_s)
                    for i, j in T.Parallel(M, M):
                        acc[b, i, j] = acc[b, i, j] + X_s[i, j] * r

    return main


def test_a_buffer_computed_into_per_iteration_is_not_one_panel():
    # acc[b] carries its value from r = 0 to r = 1: one panel for every b would mix batches
    with pytest.raises(CompileError, match="acc\\[2, 32, 32\\] is used one panel at a time"):
        from_prim_func(accumulated_per_batch(32))
