"""tensorize, checked by running what it lowers to: fills, Parallel accumulation into a cleared
fragment, scalar operands."""

import pytest
import tl_kernels as K
import torch

import compiler
from compiler.kernel_ir import ops as k


@pytest.mark.parametrize("init", [0.0, 1.5])
def test_parallel_accumulation_starts_from_the_fill_value(init):
    a = torch.randn(64, 96, generator=torch.Generator().manual_seed(8)).to(torch.bfloat16)
    out = compiler.run(compiler.compile(K.accumulate_columns(64, 96, init=init)), a)
    expected = init + a.float().reshape(64, 3, 32).sum(dim=1)
    torch.testing.assert_close(out, expected, rtol=1e-2, atol=2e-2)


def test_a_cleared_buffer_read_by_compute_is_zero_filled_only_when_it_holds_nothing():
    ops = list(k.walk_ops(K.lowered(K.accumulate_columns(64, 96), "tensorize").body))
    guards = [op for op in ops if isinstance(op, k.If) and op.negate]
    assert [g.flag for g in guards] == ["acc_live"]
    (fill,) = [op for op in k.walk_ops(guards[0].body) if isinstance(op, k.EltwiseBlock)]
    assert fill.expr == k.TileExpr("fill", value=0.0)


def test_gemm_into_a_cleared_accumulator_needs_no_zero_fill():
    ops = list(k.walk_ops(K.lowered(K.gemm(64, 64, 64), "tensorize").body))
    assert not [op for op in ops if isinstance(op, k.If) and op.negate]


def test_scalar_operands_run_on_the_sfpu():
    a = torch.randn(96, 64, generator=torch.Generator().manual_seed(9)).to(torch.bfloat16)
    out = compiler.run(compiler.compile(K.exp_scaled(96, 64)), a)
    expected = (torch.exp(a.float()) * 2.0 - 1.0).to(torch.bfloat16)
    torch.testing.assert_close(out.float(), expected.float(), rtol=2e-2, atol=2e-2)


def test_row_broadcast_multiply_then_max_stays_a_broadcast_and_a_reduce():
    func = K.scaled_row_max(128, 64)
    ops = list(k.walk_ops(K.lowered(func, "manage_dst").body))
    assert {(op.op, op.bcast) for op in ops if isinstance(op, k.BinaryInit)} == {("mul", "rows")}
    assert {op.kind for op in ops if isinstance(op, k.ReduceInit)} == {"max"}
    g = torch.Generator().manual_seed(2)
    a = torch.randn(128, 64, generator=g).to(torch.bfloat16)
    x = torch.randn(64, generator=g).to(torch.bfloat16)
    out = compiler.run(compiler.compile(func), a, x)
    # reduce_tile reads the fp32 products as tf32 (2^-11 relative), as the hardware does
    torch.testing.assert_close(out, (a.float() * x.float()).amax(dim=1), rtol=2**-10, atol=0)
