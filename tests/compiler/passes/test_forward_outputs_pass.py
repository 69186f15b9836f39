"""forward_outputs: a result buffer only copied out is replaced by the global destination."""

import tl_kernels as K

from compiler.frontend import from_prim_func
from compiler.ir import Copy, Eltwise
from compiler.passes.forward_outputs import forward_outputs
from compiler.passes.target import attach_target
from compiler.targets import get_target


def test_result_fragment_only_copied_out_is_forwarded_to_the_tensor():
    program = attach_target(from_prim_func(K.exp_scaled(64, 64)), get_target("wormhole_n150"))
    forwarded = forward_outputs(program)
    copy_in, stmt = forwarded.body
    assert isinstance(copy_in, Copy) and isinstance(stmt, Eltwise)
    assert stmt.dst.buffer == "B" and stmt.dst.extent == (32, 32)
    assert [b.name for b in forwarded.buffers] == ["A_s"]
    assert forwarded.fp32_dest_acc  # the dropped fragment was float32: DST mode is kept


def test_accumulator_used_by_gemm_is_not_forwarded():
    program = from_prim_func(K.gemm(128, 128, 64))
    assert forward_outputs(program).body == program.body
