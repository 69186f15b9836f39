"""Pass `check_program`: the tile-program IR's own spec, checked before any lowering — copies
move equal shapes, local regions stay inside their buffers, every index variable is a grid or
loop variable in scope. Errors name the statement."""

from __future__ import annotations

from compiler.errors import CompileError
from compiler.ir import (
    BlockLoop,
    Copy,
    Eltwise,
    Gemm,
    Loop,
    Program,
    Reduce,
    Region,
    Stmt,
    expr_loads,
)


def _region(program: Program, region: Region, bound: set[str], where: str) -> None:
    for start in region.start:
        free = {v for v, _ in start.terms} - bound
        if free:
            raise CompileError(
                "check",
                f"{region} uses {', '.join(sorted(free))}, not a grid or loop variable in scope",
                where,
            )
    local = program.buffer(region.buffer)
    shape = local.shape if local else program.tensor(region.buffer).shape
    if local is not None:
        for start, extent, dim in zip(region.start, region.extent, shape, strict=True):
            if start.terms or start.const < 0 or start.const + extent > dim:
                raise CompileError("check", f"{region} is outside {local.name}{list(shape)}", where)


def _stmts(program: Program, stmts: tuple[Stmt, ...], bound: set[str]) -> None:
    for s in stmts:
        if isinstance(s, Loop):
            _stmts(program, s.body, bound | {s.var})
        elif isinstance(s, BlockLoop):
            _stmts(program, s.body, bound)
        elif isinstance(s, Copy):
            if s.src.shape != s.dst.shape:
                raise CompileError(
                    "T.copy", f"copies {s.src} into {s.dst}: the shapes differ", s.where
                )
            _region(program, s.src, bound, s.where)
            _region(program, s.dst, bound, s.where)
        elif isinstance(s, Eltwise):
            for region in (s.dst, *expr_loads(s.expr)):
                _region(program, region, bound, s.where)
        elif isinstance(s, Gemm | Reduce):
            op = "T.gemm" if isinstance(s, Gemm) else "T.reduce"
            for name in (s.a, s.b, s.c) if isinstance(s, Gemm) else (s.src, s.dst):
                if program.buffer(name) is None:
                    raise CompileError(
                        op, f"operand {name} is not a shared/fragment buffer", s.where
                    )


def check_program(program: Program) -> Program:
    grid = {var for var, _ in program.grid} | {d.name for d in program.derived}
    _stmts(program, program.body, grid)
    return program
