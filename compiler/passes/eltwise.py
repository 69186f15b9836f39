"""Shared analysis of element-wise expressions for tile lowering (used to size CBs and to plan
DST sections). An expression is evaluated in DST: loads come in with copy_tile (or unary_bcast),
SFPU ops work on DST tiles, and an SFPU op of several tiles (div, max, comparisons, where, and
add/sub/mul of computed values) evaluates its first operand into one DST slot, its second into
the next. add/sub/mul of two tiles in CBs run on the FPU straight from the CBs.

When an expression needs more slots per tile than the DST holds, computed operands go through
temporary CBs instead: both operands of add/sub/mul (which then run on the FPU), and every
operand but the first of an SFPU op of several tiles (copied back into its DST slot)."""

from __future__ import annotations

from compiler.ir import FPU_BINARY, Binary, Const, Expr, Load, Mask, Select, Unary, expr_children


def is_scalar_op(expr: Binary) -> bool:
    return isinstance(expr.a, Const) or isinstance(expr.b, Const)


def _in_cb(expr: Expr) -> bool:
    return isinstance(expr, Load | Mask)


def fpu_from_cbs(expr: Expr, in_dst: bool) -> bool:
    """A binary op the FPU performs from CBs: add/sub/mul of two tiles, computed ones through
    temporaries unless `in_dst` (the FPU broadcasts only its second operand: `x[i] - a` is an
    SFPU op)."""
    if not isinstance(expr, Binary) or expr.op not in FPU_BINARY or is_scalar_op(expr):
        return False
    if expr.op == "sub" and isinstance(expr.a, Load) and expr.a.bcast:
        return False
    return not in_dst or (_in_cb(expr.a) and _in_cb(expr.b))


def sfpu_of_tiles(expr: Expr) -> bool:
    """An SFPU op reading several DST tiles (not an FPU op, not an op with a scalar)."""
    scalar = isinstance(expr, Binary) and is_scalar_op(expr)
    return isinstance(expr, Binary | Select) and not scalar and not fpu_from_cbs(expr, True)


def temps_needed(expr: Expr, in_dst: bool) -> int:
    children = expr_children(expr)
    if fpu_from_cbs(expr, in_dst):
        own = sum(not _in_cb(x) for x in children)
    elif sfpu_of_tiles(expr) and not in_dst:
        own = sum(not _in_cb(x) for x in children[1:])
    else:
        own = 0
    return own + sum(temps_needed(x, in_dst) for x in children)


def dst_levels(expr: Expr, in_dst: bool) -> int:
    """DST slots per block tile the expression holds at once (temporaries are computed in DST
    sections of their own)."""
    if isinstance(expr, Unary):
        return dst_levels(expr.x, in_dst)
    if isinstance(expr, Binary) and is_scalar_op(expr):
        return max(dst_levels(x, in_dst) for x in (expr.a, expr.b))
    if fpu_from_cbs(expr, in_dst):
        return max(1, *(dst_levels(x, in_dst) for x in expr_children(expr)))
    children = expr_children(expr)
    if isinstance(expr, Binary | Select) and in_dst:
        return max(dst_levels(x, in_dst) + n for n, x in enumerate(children))
    if isinstance(expr, Binary | Select):
        # later operands are loads or temporaries: one slot each
        return max(dst_levels(children[0], in_dst), len(children))
    return 1


def plan(expr: Expr, capacity: int) -> tuple[bool, int]:
    """(computed add/sub/mul operands stay in DST, DST slots per tile) for an expression."""
    levels = dst_levels(expr, True)
    return (True, levels) if levels <= capacity else (False, dst_levels(expr, False))
