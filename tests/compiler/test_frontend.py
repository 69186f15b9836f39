"""The frontend reads TileLang TIR into the tile-program IR and rejects what it cannot map."""

from pathlib import Path

import pytest
import tl_kernels as K

from compiler.errors import CompileError
from compiler.frontend import from_prim_func
from compiler.ir import Affine, Binary, Const, Copy, Eltwise, Fill, Gemm, Load, Loop, Unary


def test_gemm_reads_as_clear_pipelined_loop_of_copies_and_gemm_then_copy_out():
    program = from_prim_func(K.gemm(256, 256, 128, stages=3))
    assert program.grid == (("bx", 4), ("by", 4))
    assert program.threads == 128
    assert [b.scope for b in program.buffers] == ["shared", "shared", "fragment"]
    fill, loop, out = program.body
    assert fill == Fill("C_l", 0.0, fill.where)
    assert isinstance(loop, Loop) and (loop.extent, loop.num_stages) == (4, 3)
    copy_a, _copy_b, gemm = loop.body
    assert isinstance(copy_a, Copy) and copy_a.src.buffer == "A"
    assert copy_a.src.start == (Affine((("by", 64),)), Affine((("k", 32),)))
    assert copy_a.src.extent == (64, 32)
    assert isinstance(gemm, Gemm) and (gemm.a, gemm.b, gemm.c) == ("A_s", "B_s", "C_l")
    assert isinstance(out, Copy) and out.dst.buffer == "C"


def test_parallel_loop_over_globals_becomes_region_assignment():
    (stmt,) = from_prim_func(K.add_global(64, 64)).body
    assert isinstance(stmt, Eltwise)
    assert stmt.dst.buffer == "C" and stmt.dst.extent == (32, 32)
    assert stmt.dst.start == (Affine((("by", 32),)), Affine((("bx", 32),)))
    assert isinstance(stmt.expr, Binary) and stmt.expr.op == "add"


def test_sfpu_and_scalar_expressions_are_recognised():
    _, stmt, _ = from_prim_func(K.exp_scaled(64, 64)).body
    assert isinstance(stmt.expr, Binary) and stmt.expr.op == "sub"
    mul = stmt.expr.a
    assert isinstance(mul, Binary) and mul.b == Const(2.0)
    assert isinstance(mul.a, Unary) and mul.a.op == "exp" and isinstance(mul.a.x, Load)


@pytest.mark.parametrize(
    ("kernel", "message"),
    [
        (lambda: K.transposed_access(32), "A dim 0 must be indexed by parallel var i"),
        (
            lambda: K.int_add(32),
            "T.Tensor A has dtype int32; integer tensors and buffers are not supported",
        ),
        (lambda: K.row_min(32, 32), "reduction 'min' has no Tensix reduce_tile"),
    ],
)
def test_unsupported_constructs_are_errors_naming_the_op(kernel, message):
    with pytest.raises(CompileError, match=r".*") as err:
        from_prim_func(kernel())
    assert message in str(err.value)


def test_error_location_is_the_tilelang_source_line_and_the_tir_statement():
    source = Path(K.__file__)
    line = source.read_text().splitlines().index("                B[i, j] = A[j, i]") + 1
    with pytest.raises(CompileError) as err:
        from_prim_func(K.transposed_access(32))
    assert err.value.op == "T.Parallel"
    assert err.value.where == f"{source}:{line}, TIR `B[i, j] = A[j, i]`"


def test_bounds_guard_on_the_stored_tensor_is_accepted():
    (stmt,) = from_prim_func(K.guarded_add(200, 300)).body
    assert isinstance(stmt, Eltwise) and stmt.dst.buffer == "C"


def test_other_conditions_are_rejected():
    with pytest.raises(CompileError) as err:
        from_prim_func(K.guarded_add(200, 300, bound_n=100))
    assert err.value.op == "if"
    assert "is not a bounds check `index < extent` of the stored tensor" in err.value.reason


def test_vectors_take_their_orientation_from_their_use():
    program = from_prim_func(K.col_bias_sub(64, 96))
    b = program.tensor("b")
    assert (b.shape, b.host_shape) == ((64, 1), (64,))
    assert program.buffer("b_s").shape == (32, 32)
    (stmt,) = [s for s in program.body if isinstance(s, Eltwise)]
    assert isinstance(stmt.expr, Binary) and stmt.expr.b.bcast == "cols"


def test_column_broadcast_subtract_matches_torch():
    import torch

    import compiler

    g = torch.Generator().manual_seed(3)
    a = torch.randn(64, 96, generator=g).to(torch.bfloat16)
    b = torch.randn(64, generator=g).to(torch.bfloat16)
    out = compiler.run(compiler.compile(K.col_bias_sub(64, 96)), a, b)
    assert torch.equal(out, (a.float() - b.float()[:, None]).to(torch.bfloat16))
