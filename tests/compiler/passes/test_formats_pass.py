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


def test_gemm_tile_loops_hold_no_reconfiguration_or_copy_init():
    body = K.lowered(K.gemm(64, 64, 128), "configure_formats").body
    tile_loops = [op for op in k.walk_ops(body) if isinstance(op, k.For) and op.var == "i"]
    assert tile_loops
    for loop in tile_loops:
        assert not [op for op in k.walk_ops(loop.body) if isinstance(op, k.Reconfig | k.CopyInit)]


def test_a_unit_used_in_one_format_by_a_loop_is_reconfigured_just_before_it():
    body = K.lowered(K.gemm(64, 64, 128), "configure_formats").body
    (chunk,) = [
        op
        for op in k.walk_ops(body)
        if isinstance(op, k.For)
        and op.var == "chunk"
        and any(isinstance(o, k.MatmulTiles) for o in k.walk_ops(op.body))
    ]
    # the chunk reloads the fp32 partials and then multiplies bf16 B, both through SrcA: SrcA
    # alternates inside it, so it is set right before the matmul's tile loop on every chunk
    ops = list(chunk.body)
    mac_loop = next(
        i
        for i, op in enumerate(ops)
        if isinstance(op, k.For) and any(isinstance(o, k.MatmulTiles) for o in k.walk_ops(op.body))
    )
    assert ops[mac_loop - 1] == k.Reconfig("srca", "cb_B_s")
