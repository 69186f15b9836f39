"""Pass `fuse_matvec`: `P[i, j] = A[i, j] * x[j]` followed by `T.reduce_sum(P, acc, dim=1)`,
with P used nowhere else, is a matrix-vector product: it becomes `T.gemm(A, x, acc,
transpose_B=True)` on the tile views (x a row of tiles, acc a column of tiles), so P is never
materialised and each A tile costs one `matmul_tiles` instead of a broadcast multiply, a pack,
an unpack and a `reduce_tile`. Column 0 of acc's tiles is A @ x (row 0 of x's tiles); the other
columns are padding, as everywhere in a column vector. The products of bf16 operands stay exact
(the reduce would have read fp32 products through the FPU's tf32 source registers)."""

from __future__ import annotations

from dataclasses import replace

from compiler.ir import (
    Affine,
    Binary,
    BlockLoop,
    Eltwise,
    Gemm,
    Load,
    Loop,
    Program,
    Reduce,
    Stmt,
    expr_loads,
    walk,
)


def _mentions(program: Program, name: str) -> int:
    count = 0
    for s in walk(program.body):
        if isinstance(s, Eltwise):
            count += [s.dst.buffer, *(r.buffer for r in expr_loads(s.expr))].count(name)
        elif isinstance(s, Reduce):
            count += [s.src, s.dst].count(name)
        elif isinstance(s, Gemm):
            count += [s.a, s.b, s.c].count(name)
        elif hasattr(s, "src") and hasattr(s, "dst"):
            count += [s.src.buffer, s.dst.buffer].count(name)
    return count


def _whole(program: Program, load: object) -> bool:
    buf = program.buffer(load.region.buffer) if isinstance(load, Load) else None
    return (
        buf is not None
        and load.region.extent == buf.shape
        and all(s == Affine() for s in load.region.start)
    )


def _matvec(program: Program, first: Stmt, second: Stmt) -> Gemm | None:
    if not (isinstance(first, Eltwise) and isinstance(second, Reduce)):
        return None
    expr, product = first.expr, program.buffer(first.dst.buffer)
    if not (
        isinstance(expr, Binary)
        and expr.op == "mul"
        and product is not None
        and first.dst.extent == product.shape
        and second.src == product.name
        and (second.kind, second.dim) == ("sum", 1)
        and program.buffer(second.dst).vector == "col"
        and _mentions(program, product.name) == 2
    ):
        return None
    matrix, vector = (
        (expr.a, expr.b) if isinstance(expr.b, Load) and expr.b.bcast else (expr.b, expr.a)
    )
    if not (
        isinstance(vector, Load)
        and vector.bcast == "rows"
        and not getattr(matrix, "bcast", "x")
        and _whole(program, matrix)
        and program.buffer(matrix.region.buffer).dtype == program.buffer(vector.region.buffer).dtype
    ):
        return None
    return Gemm(
        matrix.region.buffer,
        vector.region.buffer,
        second.dst,
        trans_a=False,
        trans_b=True,
        clear_accum=second.clear,
        where=second.where,
    )


def fuse_matvec(program: Program) -> Program:
    fused: set[str] = set()

    def stmts(body: tuple[Stmt, ...]) -> tuple[Stmt, ...]:
        out: list[Stmt] = []
        i = 0
        while i < len(body):
            s = body[i]
            gemm = _matvec(program, s, body[i + 1]) if i + 1 < len(body) else None
            if gemm is not None:
                fused.add(s.dst.buffer)
                out.append(gemm)
                i += 2
                continue
            out.append(replace(s, body=stmts(s.body)) if isinstance(s, Loop | BlockLoop) else s)
            i += 1
        return tuple(out)

    body = stmts(program.body)
    buffers = tuple(b for b in program.buffers if b.name not in fused)
    return replace(program, body=body, buffers=buffers)
