"""Pass `forward_outputs`: `X = expr; T.copy(X, G[...])` where the local buffer X is used
nowhere else becomes `G[...] = expr`, so compute packs the result straight into G's output CB
instead of packing X and copying it again (one DST round trip and one CB less per tile)."""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import (
    Affine,
    BlockLoop,
    Copy,
    Eltwise,
    Fill,
    Gather,
    Gemm,
    Loop,
    Program,
    Reduce,
    Stmt,
    expr_loads,
    walk,
)


def _uses(program: Program) -> dict[str, int]:
    """How many statements mention each local buffer."""
    counts: dict[str, int] = {}
    for s in walk(program.body):
        if isinstance(s, Copy):
            names = [s.src.buffer, s.dst.buffer]
        elif isinstance(s, Eltwise):
            names = [s.dst.buffer, *(r.buffer for r in expr_loads(s.expr))]
        elif isinstance(s, Gemm):
            names = [s.a, s.b, s.c]
        elif isinstance(s, Reduce):
            names = [s.src, s.dst]
        elif isinstance(s, Gather):
            names = [s.dst]
        elif isinstance(s, Fill):
            names = [s.buffer]
        else:
            continue
        for name in set(names):
            counts[name] = counts.get(name, 0) + 1
    return counts


def forward_outputs(program: Program) -> Program:
    uses = _uses(program)
    dropped: set[str] = set()

    def forwardable(first: Stmt, second: Stmt) -> bool:
        if not (isinstance(first, Eltwise) and isinstance(second, Copy)):
            return False
        local = program.buffer(first.dst.buffer)
        return (
            local is not None
            and second.src.buffer == local.name
            and program.tensor(second.dst.buffer) is not None
            and second.src.extent == first.dst.extent == local.shape
            and all(a == Affine() for a in (*first.dst.start, *second.src.start))
            and uses.get(local.name) == 2
        )

    def rewrite(stmts: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        i = 0
        while i < len(stmts):
            s = stmts[i]
            if i + 1 < len(stmts) and forwardable(s, stmts[i + 1]):
                dropped.add(s.dst.buffer)
                out.append(replace(s, dst=stmts[i + 1].dst))
                i += 2
                continue
            if isinstance(s, Loop):
                s = replace(s, body=rewrite(s.body))
            elif isinstance(s, BlockLoop):
                s = BlockLoop(rewrite(s.body))
            out.append(s)
            i += 1
        return tuple(out)

    body = rewrite(program.body)
    buffers = tuple(b for b in program.buffers if b.name not in dropped)
    return replace(program, body=body, buffers=buffers)
