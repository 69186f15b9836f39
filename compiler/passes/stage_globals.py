"""Pass `stage_globals`: element-wise statements that read global tensors directly (tilelang's
`examples/elementwise` style, `C[y, x] = A[y, x] + B[y, x]`) get explicit copies into
block-sized local buffers first, so every DRAM read is a copy the reader owns and compute only
reads circular buffers. (A global destination stays: compute packs it to the tensor's output
CB and the writer stores it.)"""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import (
    Affine,
    BlockLoop,
    Copy,
    Eltwise,
    Expr,
    Load,
    LocalBuffer,
    Loop,
    Program,
    Region,
    Stmt,
    expr_children,
    with_children,
)


class _Stager:
    def __init__(self, program: Program) -> None:
        self.program = program
        self.new_buffers: list[LocalBuffer] = []

    def _local(self, region: Region, role: str) -> LocalBuffer:
        dtype = self.program.tensor(region.buffer).dtype
        taken = {b.name for b in (*self.program.buffers, *self.new_buffers)}
        name, suffix = f"{region.buffer}_{role}", 1
        while name in taken:
            suffix += 1
            name = f"{region.buffer}_{role}{suffix}"
        buf = LocalBuffer(name, region.shape, dtype, "shared")
        self.new_buffers.append(buf)
        return buf

    def _whole(self, buf: LocalBuffer) -> Region:
        return Region(buf.name, tuple(Affine() for _ in buf.shape), buf.shape)

    def _expr(
        self, expr: Expr, loads: dict[Region, LocalBuffer], pre: list[Stmt], where: str
    ) -> Expr:
        if isinstance(expr, Load) and self.program.tensor(expr.region.buffer):
            if expr.region not in loads:
                loads[expr.region] = self._local(expr.region, "block")
                pre.append(Copy(expr.region, self._whole(loads[expr.region]), where))
            return Load(self._whole(loads[expr.region]), expr.bcast)
        children = tuple(self._expr(c, loads, pre, where) for c in expr_children(expr))
        return with_children(expr, children)

    def stmts(self, stmts: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        for s in stmts:
            if isinstance(s, Loop):
                out.append(replace(s, body=self.stmts(s.body)))
            elif isinstance(s, BlockLoop):
                out.append(BlockLoop(self.stmts(s.body)))
            elif isinstance(s, Eltwise):
                pre: list[Stmt] = []
                expr = self._expr(s.expr, {}, pre, s.where)
                out += [*pre, replace(s, expr=expr)]
            else:
                out.append(s)
        return tuple(out)


def stage_globals(program: Program) -> Program:
    stager = _Stager(program)
    body = stager.stmts(program.body)
    return replace(program, body=body, buffers=program.buffers + tuple(stager.new_buffers))
