"""Pass `make_persistent`: the grid becomes one loop per core over its range of blocks (the
schedule), so a kernel is launched once per core however many blocks it owns."""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import BlockLoop, Program


def make_persistent(program: Program) -> Program:
    assert program.schedule is not None, "infer_schedule must run before make_persistent"
    return replace(program, body=(BlockLoop(program.body),))
