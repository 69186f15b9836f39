"""stage_globals: global operands of a Parallel assignment get block copies into new buffers."""

import tl_kernels as K

from compiler.frontend import from_prim_func
from compiler.ir import Copy, Eltwise, Load
from compiler.passes.stage_globals import stage_globals


def test_global_operands_are_copied_into_block_buffers_first():
    staged = stage_globals(from_prim_func(K.add_global(64, 64)))
    copy_a, copy_b, stmt = staged.body
    assert isinstance(copy_a, Copy) and (copy_a.src.buffer, copy_a.dst.buffer) == ("A", "A_block")
    assert isinstance(copy_b, Copy) and (copy_b.src.buffer, copy_b.dst.buffer) == ("B", "B_block")
    assert isinstance(stmt, Eltwise) and stmt.dst.buffer == "C"
    assert [x.region.buffer for x in (stmt.expr.a, stmt.expr.b) if isinstance(x, Load)] == [
        "A_block",
        "B_block",
    ]
    assert [(b.name, b.shape, b.dtype) for b in staged.buffers] == [
        ("A_block", (32, 32), "bfloat16"),
        ("B_block", (32, 32), "bfloat16"),
    ]


def test_programs_without_global_operands_are_unchanged():
    program = from_prim_func(K.gemm(64, 64, 64))
    assert stage_globals(program) == program
