"""infer_schedule: contiguous block ranges per core, for more and fewer blocks than cores."""

import tl_kernels as K

from compiler.frontend import from_prim_func
from compiler.passes.schedule import infer_schedule
from compiler.passes.target import attach_target
from compiler.targets import get_target


def schedule(M, N, target="wormhole_n150"):
    program = attach_target(from_prim_func(K.add_global(M, N)), get_target(target))
    return infer_schedule(program).schedule


def test_fewer_blocks_than_cores_uses_one_core_per_block():
    s = schedule(64, 96)  # 2 x 3 blocks
    assert s.num_blocks == 6
    assert [(w.core, w.first_block, w.num_blocks) for w in s.work] == [
        ((i, 0), i, 1) for i in range(6)
    ]


def test_more_blocks_than_cores_gives_contiguous_ranges_differing_by_at_most_one():
    s = schedule(320, 448)  # 10 x 14 = 140 blocks on 64 cores
    counts = [w.num_blocks for w in s.work]
    assert len(s.work) == 64 and sum(counts) == 140 and set(counts) == {2, 3}
    firsts = [w.first_block for w in s.work]
    assert firsts == [sum(counts[:i]) for i in range(64)]
    assert s.work[8].core == (0, 1)


def test_blackhole_grid_is_13_by_10():
    s = schedule(32 * 13, 32 * 20, "blackhole_p150")
    assert len(s.work) == 130 and s.work[13].core == (0, 1)
