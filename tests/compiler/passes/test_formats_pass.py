"""configure_formats: unpacker/packer formats reconfigured exactly where a CB's format differs."""

import tl_kernels as K

from compiler.kernel_ir import ops as k


def reconfigs(func) -> list[tuple[str, str]]:
    body = K.lowered(func, "configure_formats").body
    return [(op.unit, op.cb) for op in k.walk_ops(body) if isinstance(op, k.Reconfig)]


def test_all_bf16_programs_need_no_reconfiguration():
    assert reconfigs(K.add_global(64, 64)) == []


def test_fp32_accumulator_of_a_bf16_gemm_is_reconfigured_around_its_reload_and_pack():
    found = set(reconfigs(K.gemm(64, 64, 64)))
    # partials: packed to the fp32 CB and reloaded through SrcA; B goes back into SrcA for matmul;
    # the bf16 output CB needs the packer back
    assert {
        ("pack", "cb_C_l"),
        ("srca", "cb_C_l"),
        ("srca", "cb_B_s"),
        ("pack", "cb_C_out"),
    } <= found


def test_a_loop_body_starts_from_what_holds_on_every_trip():
    body = K.lowered(K.gemm(64, 64, 128), "configure_formats").body
    (k_loop,) = [op for op in k.walk_ops(body) if isinstance(op, k.For) and op.var == "k"]
    inside = [op for op in k.walk_ops(k_loop.body) if isinstance(op, k.Reconfig)]
    # every reconfiguration in the K loop is re-done each trip: the previous trip left SrcA on
    # the accumulator and the packer on it as well
    assert ("srca", "cb_B_s") in {(op.unit, op.cb) for op in inside}
