"""Shared analysis of element-wise expressions for tile lowering (sizing CBs, planning DST
sections). An expression is evaluated in DST: loads come in with copy_tile (or unary_bcast),
SFPU ops work on DST tiles, and an SFPU op of several tiles (add/sub/mul of computed values,
div, max, comparisons, where) evaluates its first operand into one DST slot and each later
operand into the next slot. add/sub/mul of two tiles in CBs run on the FPU straight from the
CBs.

When an expression needs more slots per tile than the DST holds, `spills` picks the operands
to compute first, each in a DST section of its own, and pack into a temporary CB: the rest then
reads them like loads (an add/sub/mul of two such operands runs on the FPU)."""

from __future__ import annotations

from compiler.ir import FPU_BINARY, Binary, Const, Expr, Load, Mask, Unary, expr_children


def is_scalar_op(expr: Binary) -> bool:
    return isinstance(expr.a, Const) or isinstance(expr.b, Const)


def _bcast(expr: Expr) -> bool:
    return isinstance(expr, Load) and bool(expr.bcast)


def _tile(expr: Expr, spilled: set[int]) -> bool:
    """A tile in a CB: a load, an index mask, or a spilled operand."""
    return isinstance(expr, Load | Mask) or id(expr) in spilled


def fpu_from_cbs(expr: Expr, spilled: set[int]) -> bool:
    """add/sub/mul of two tiles in CBs: the FPU performs it (it broadcasts only its second
    operand, so `x[i] - a` and `x[i] + y[j]` are SFPU ops)."""
    if not isinstance(expr, Binary) or expr.op not in FPU_BINARY or is_scalar_op(expr):
        return False
    if _bcast(expr.a) and (expr.op == "sub" or _bcast(expr.b)):
        return False
    return _tile(expr.a, spilled) and _tile(expr.b, spilled)


def slots(expr: Expr, spilled: set[int] = frozenset()) -> int:
    """DST slots per block tile the expression holds at once (spilled operands: one)."""
    if _tile(expr, spilled) or isinstance(expr, Const) or fpu_from_cbs(expr, spilled):
        return 1
    if isinstance(expr, Unary):
        return slots(expr.x, spilled)
    if isinstance(expr, Binary) and is_scalar_op(expr):
        return max(slots(x, spilled) for x in (expr.a, expr.b))
    return max(slots(x, spilled) + n for n, x in enumerate(expr_children(expr)))


def spills(expr: Expr, capacity: int) -> list[Expr]:
    """Operands to compute into temporary CBs first so that `expr` fits `capacity` DST slots
    per tile (none when it fits as it is); inner spills come before the operands holding them."""
    out: list[Expr] = []
    spilled: set[int] = set()

    def spill(e: Expr) -> None:
        place(e, 0)
        out.append(e)
        spilled.add(id(e))

    def place(e: Expr, base: int) -> bool:
        """Spill inside `e` so it evaluates with its result in slot `base`; False (nothing
        spilled) when it cannot be evaluated there at all: its operands alone would pass the
        DST's end."""
        if base + slots(e, spilled) <= capacity:
            return True
        if isinstance(e, Unary):
            return place(e.x, base)
        if isinstance(e, Binary) and is_scalar_op(e):
            return place(e.b if isinstance(e.a, Const) else e.a, base)
        children = expr_children(e)
        if base + len(children) > capacity:
            return False
        for n, child in enumerate(children):
            if not place(child, base + n):  # then it comes back from a temporary
                spill(child)
        return True

    if not place(expr, 0):
        raise AssertionError(f"an SFPU op with more operands than {capacity} DST slots")
    return out


def temps_needed(expr: Expr, capacity: int) -> int:
    return len(spills(expr, capacity))
