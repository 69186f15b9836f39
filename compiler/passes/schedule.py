"""Pass `infer_schedule`: grid blocks -> Tensix cores. Blocks are numbered row-major over the grid
(first grid variable fastest); each core gets one contiguous range, sizes differing by at most
one, so more blocks than cores loop on every core and fewer blocks than cores leave cores idle."""

from __future__ import annotations

from dataclasses import replace
from math import prod

from compiler.ir import CoreWork, Program, Schedule


def infer_schedule(program: Program) -> Program:
    assert program.target is not None, "attach_target must run before infer_schedule"
    num_blocks = prod(extent for _, extent in program.grid)
    gx, _ = program.target.grid
    cores = min(num_blocks, program.target.num_cores)
    base, extra = divmod(num_blocks, cores)
    work, first = [], 0
    for i in range(cores):
        count = base + (1 if i < extra else 0)
        work.append(CoreWork((i % gx, i // gx), first, count))
        first += count
    return replace(program, schedule=Schedule(num_blocks, tuple(work)))
