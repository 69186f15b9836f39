"""Gathers: a T.Parallel store `local[i, j] = T.if_then_else(cond, G[row, col], 0)` (or
`= G[row, col]`) whose indices into the global tensor G are not affine — the im2col of an
implicit-GEMM convolution. The reader performs it: per destination row and 32-column tile
slice it reads one 32-element row of G (two 16-element face rows) or writes zeros.

That is only correct when, inside each 32-column slice of the block, `row` and `cond` do not
depend on the column and `col` advances by exactly one from a multiple of 32: this module
proves it with TVM's arithmetic analyzer (else a `CompileError`), and renders row, col and cond
as C++ int32 expressions for the reader."""

from __future__ import annotations

import tilelang  # noqa: F401  (makes the bundled `tvm` importable)
from tvm import arith, ir, tirx

from compiler.errors import CompileError
from compiler.frontend.ndim import Panels
from compiler.ir import Gather
from compiler.targets import TILE

_BINARY = {
    tirx.Add: "+",
    tirx.Sub: "-",
    tirx.Mul: "*",
    tirx.FloorDiv: "/",
    tirx.FloorMod: "%",
    tirx.LT: "<",
    tirx.LE: "<=",
    tirx.GT: ">",
    tirx.GE: ">=",
    tirx.EQ: "==",
    tirx.NE: "!=",
    tirx.And: "&&",
    tirx.Or: "||",
}


def _cpp(e: object, local: set[str]) -> str:
    """C++ int32 text of an index expression; `local` vars are the gather loop's own int32s.
    Floor division and modulo render as C++ `/` and `%`: equal for the non-negative operands
    of index arithmetic."""
    if isinstance(e, tirx.IntImm):
        return str(int(e.value))
    if isinstance(e, tirx.Var):
        return e.name if e.name in local else f"static_cast<int32_t>({e.name})"
    if isinstance(e, tirx.Cast):
        return _cpp(e.value, local)
    if isinstance(e, tirx.Not):
        return f"!({_cpp(e.a, local)})"
    for cls, op in _BINARY.items():
        if isinstance(e, cls):
            return f"({_cpp(e.a, local)} {op} {_cpp(e.b, local)})"
    raise CompileError("T.Parallel", f"index expression {e} has no C++ rendering in a gather")


def _vars(e: object) -> set[str]:
    return {v.name for v in _free(e)}


def _is_zero(e: object) -> bool:
    return isinstance(e, tirx.FloatImm | tirx.IntImm) and float(e.value) == 0.0


def gather_parts(value: object, tensors: set[str]) -> tuple[object, object] | None:
    """(load, cond) when `value` reads a global tensor, guarded by `if_then_else(cond, load, 0)`
    or not (cond None); None for anything else."""
    if isinstance(value, tirx.Call) and value.op.name.endswith("if_then_else"):
        cond, then, other = value.args
        if isinstance(then, tirx.BufferLoad) and then.buffer.name in tensors and _is_zero(other):
            return then, cond
        return None
    if isinstance(value, tirx.BufferLoad) and value.buffer.name in tensors:
        return value, None
    return None


def build_gather(
    store: tirx.BufferStore,
    load: tirx.BufferLoad,
    cond: object | None,
    lets: dict[tirx.Var, object],
    pvars: list[tuple[tirx.Var, int]],
    extents: dict[str, int],
    where: str,
    panels: Panels | None = None,
) -> Gather:
    """`panels`: the layout of an N-D tensor (the row's panel is then read from its leading
    indices, which must also stay constant within a slice, and bounds-checked)."""
    (iv, rows), (jv, cols) = pvars
    rank = len(panels.shape) if panels else 2
    if [getattr(x, "name", None) for x in store.indices] != [iv.name, jv.name] or len(
        load.indices
    ) != rank:
        raise CompileError(
            "T.Parallel",
            f"a gather must store {store.buffer.name}[{iv.name}, {jv.name}] from a tensor",
            where,
        )
    if rows % TILE or cols % TILE:
        raise CompileError("T.Parallel", f"gather block {rows}x{cols} is not whole tiles", where)
    true = tirx.IntImm("bool", 1)
    indices = [tirx.stmt_functor.substitute(e, lets) for e in load.indices]
    guard = tirx.stmt_functor.substitute(true if cond is None else cond, lets)
    order = panels.order if panels else (0, 1)
    row, col = indices[order[-2]], indices[order[-1]]
    panel: object = tirx.IntImm("int32", 0)
    for d in order[:-2]:
        # the panel's own bounds: the reader checks row and column against the panel's edges
        lo, hi = indices[d] >= 0, indices[d] < panels.shape[d]
        guard = tirx.And(guard, tirx.And(lo, hi))
        panel = panel + indices[d] * panels.stride(d)
    ana = arith.Analyzer()
    outer = {v.name: v for e in (row, col, guard, panel) for v in _free(e)}
    for name, var in outer.items():
        if name in extents:
            ana.bind(var, ir.Range.from_min_extent(0, extents[name]))
    ana.bind(iv, ir.Range.from_min_extent(0, rows))
    jj = tirx.Var("jj", "int32")
    ana.bind(jj, ir.Range.from_min_extent(0, TILE))
    for tc in range(cols // TILE):
        at = {jv: tirx.IntImm("int32", tc * TILE) + jj}
        start = {jv: tirx.IntImm("int32", tc * TILE)}
        same_row = ana.simplify(tirx.stmt_functor.substitute(row, at))
        same_panel = ana.simplify(tirx.stmt_functor.substitute(panel, at))
        step_col = ana.simplify(tirx.stmt_functor.substitute(col, at) - jj)
        same_cond = ana.simplify(tirx.stmt_functor.substitute(guard, at))
        aligned = ana.can_prove(tirx.floormod(tirx.stmt_functor.substitute(col, start), TILE) == 0)
        varying = _vars(same_row) | _vars(same_panel) | _vars(step_col) | _vars(same_cond)
        if "jj" in varying or not aligned:
            raise CompileError(
                "T.Parallel",
                f"gather of {load.buffer.name}: within each {TILE}-column slice the row (and the "
                "leading indices) and the "
                f"condition must not depend on {jv.name} and the column must run contiguously "
                "from a multiple of 32 (e.g. channels a multiple of 32 in an im2col)",
                where,
            )
    local = {iv.name, jv.name}
    return Gather(
        store.buffer.name,
        load.buffer.name,
        _cpp(ana.simplify(row), local),
        _cpp(ana.simplify(col), local),
        _cpp(ana.simplify(guard), local),
        iv.name,
        jv.name,
        where,
        _cpp(ana.simplify(panel), local),
    )


def _free(e: object) -> list[tirx.Var]:
    found: list[tirx.Var] = []
    tirx.stmt_functor.post_order_visit(
        e, lambda n: found.append(n) if isinstance(n, tirx.Var) else None
    )
    return found
