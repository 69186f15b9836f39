"""Walk a TileLang PrimFunc, as the user wrote it (before TileLang's GPU passes), into
`compiler.ir.Program`. Anything the TT backend cannot map faithfully is a `CompileError` naming
the op and the reason, with the offending TIR statement as location (TileLang's TIR carries no
source spans on this version)."""

from __future__ import annotations

import contextlib
import math
import operator
import re
from dataclasses import dataclass, field
from math import prod

import tilelang  # noqa: F401  (makes the bundled `tvm` importable)
from tilelang.ir import get_stmt_span
from tvm import tirx

from compiler.dtypes import check_cast_in_expression, check_dtype, converted_by_packer
from compiler.errors import CompileError
from compiler.frontend.gather import build_gather, gather_parts
from compiler.frontend.ndim import (
    Panels,
    aliases,
    private_var,
    stacked_shape,
    stacked_window,
    tiled_dims,
)
from compiler.ir import (
    Affine,
    Binary,
    Const,
    Copy,
    Derived,
    Eltwise,
    Expr,
    Fill,
    Gemm,
    Load,
    LocalBuffer,
    Loop,
    Mask,
    Program,
    Reduce,
    Region,
    Select,
    Stmt,
    Tensor,
    Unary,
    typecast_op,
)
from compiler.targets import TILE

SCOPES = {"shared.dyn": "shared", "shared": "shared", "local.fragment": "fragment"}
# TIR intrinsic (last component of the op name, e.g. `tirx.exp`) -> SFPU unary op.
UNARY_CALLS = {
    "exp": "exp",
    "exp2": "exp2",
    "sqrt": "sqrt",
    "rsqrt": "rsqrt",
    "sigmoid": "sigmoid",
    "log": "log",
    "log2": "log2",
    "tanh": "tanh",
    "fabs": "abs",
    "erf": "erf",
    "log10": "log10",
    "log1p": "log1p",
    "sin": "sin",
    "cos": "cos",
    "floor": "floor",
    "ceil": "ceil",
    "trunc": "trunc",
    # half to even, as round_tile (T.round is C's roundf on GPUs: halves away from zero)
    "nearbyint": "round",
    "isnan": "isnan",
    "isinf": "isinf",
    "fast_rcp": "recip",
    "ieee_frcp": "recip",
    "ieee_frsqrt": "rsqrt",
    "ieee_fsqrt": "sqrt",
}
# IEEE intrinsics whose second argument names a rounding mode: the SFPU rounds to nearest
ROUNDING_MODE_CALLS = {"ieee_frcp", "ieee_fsqrt"}
# Attributes that only steer GPU scheduling (block rasterization): the TT schedule is our own.
GPU_HINTS = {"threadblock_swizzle_pattern"}
BINARY_NODES = {
    tirx.Add: "add",
    tirx.Sub: "sub",
    tirx.Mul: "mul",
    tirx.Div: "div",
    tirx.Max: "max",
    tirx.Min: "min",
}
COMPARE_NODES = {
    tirx.LT: "lt",
    tirx.LE: "le",
    tirx.GT: "gt",
    tirx.GE: "ge",
    tirx.EQ: "eq",
    tirx.NE: "ne",
}
# Scalars a GPU thread keeps in registers (T.alloc_var, T.alloc_local): a Tensix block has no
# threads, so only a value fixed at compile time has a meaning (it becomes a constant).
SCALAR_SCOPES = {"local.var", "local"}
# Warp-level SIMT intrinsics: a Tensix core works on whole tiles, there are no lanes to exchange.
SIMT_CALLS = ("tl.shfl", "tl.warp", "tl.ballot", "tl.any_sync", "tl.all_sync", "tl.activemask")
REDUCE_KINDS = {"sum": "sum", "max": "max"}


_DECL = re.compile(r"^(#|from |@|\w+ = T\.(Buffer|int32|int64|handle|var)\()")


def _where(node: object) -> str:
    """`file:line` (when TileLang recorded spans) and the TIR statement."""
    text = node.script() if hasattr(node, "script") else str(node)
    lines = [ln.strip() for ln in str(text).splitlines()]
    first = next((ln for ln in lines if ln and not _DECL.match(ln)), str(node))
    tir = f"TIR `{first[:160]}`"
    span = get_stmt_span(node) if isinstance(node, tirx.Stmt) else None
    return f"{span.source_name.name}:{span.line}, {tir}" if span is not None else tir


@dataclass
class _Scope:
    """Variables visible at a point: affine let-bindings, loop and grid vars, buffers."""

    lets: dict[str, Affine] = field(default_factory=dict)
    opaque: set[str] = field(default_factory=set)  # thread indices: no meaning on Tensix
    consts: dict[str, float] = field(default_factory=dict)  # float lets folded at compile time
    # integer lets bound to a T.min of block-dependent loop counts: (upper bound, stop terms)
    stops: dict[str, tuple[int, tuple[tuple[Affine, int], ...]]] = field(default_factory=dict)


def _leaves(e: object, kind: type) -> list[object]:
    """The operands of a tree of `kind` nodes (`a and b and c`, `T.min(a, T.min(b, c))`)."""
    if isinstance(e, kind):
        return _leaves(e.a, kind) + _leaves(e.b, kind)
    return [e]


def _vector_orientations(func: tirx.PrimFunc) -> dict[str, str]:
    """1-D tensors and buffers -> "col" (indexed by row: a row reduction's result, laid out as
    column 0 of a column of tiles) or "row" (row 0 of a row of tiles). Fixed by `T.reduce_*`
    destinations and by broadcasts in 2-D T.Parallel statements (`x[j]` is a row), spread
    through copies and 1-D T.Parallel statements; default "row"."""
    fixed: dict[str, str] = {}
    links: list[tuple[str, str]] = []

    def collect(node: object, keep) -> list[object]:
        found: list[object] = []
        tirx.stmt_functor.post_order_visit(node, lambda n: found.append(n) if keep(n) else None)
        return found

    def is_vector_load(n: object) -> bool:
        return isinstance(n, tirx.BufferLoad) and len(n.buffer.shape) == 1

    def buffers_of(node: object) -> list[object]:
        return [n.buffer for n in collect(node, is_vector_load)]

    def var_names(expr: object) -> set[str]:
        return {v.name for v in collect(expr, lambda n: isinstance(n, tirx.Var))}

    def broadcasts(store: tirx.BufferStore) -> None:
        """`dst[i, j] = ... x[j] ...`: x runs along the row (a row vector); `x[i]`: a column."""
        rows, cols = (var_names(i) for i in store.indices)
        for load in collect(store.value, lambda n: isinstance(n, tirx.BufferLoad)):
            if len(load.buffer.shape) == 1:
                used = var_names(load.indices[0])
                if used & cols and not used & rows:
                    fixed.setdefault(load.buffer.name, "row")
                elif used & rows and not used & cols:
                    fixed.setdefault(load.buffer.name, "col")

    def visit(n: object) -> None:
        if isinstance(n, tirx.Call) and n.op.name == "tl.tileop.reduce":
            src, dst = (a.args[0].buffer for a in n.args[:2])
            if len(dst.shape) == 1 and len(src.shape) == 2:
                fixed[dst.name] = "col" if int(n.args[3]) in (1, -1) else "row"
            elif len(dst.shape) == 1:
                links.append((src.name, dst.name))
        elif isinstance(n, tirx.Call) and n.op.name == "tl.tileop.copy":
            ends = [a.args[0].buffer for a in n.args[:2]]
            if all(len(b.shape) == 1 for b in ends):
                links.append((ends[0].name, ends[1].name))
        elif isinstance(n, tirx.BufferStore) and len(n.buffer.shape) == 1:
            links.extend((n.buffer.name, b.name) for b in buffers_of(n.value))
        elif isinstance(n, tirx.BufferStore) and len(n.buffer.shape) == 2:
            broadcasts(n)

    tirx.stmt_functor.post_order_visit(func.body, visit)
    changed = True
    while changed:
        changed = False
        for a, b in links:
            for x, y in ((a, b), (b, a)):
                if x in fixed and y not in fixed:
                    fixed[y] = fixed[x]
                    changed = True
    return fixed


def _vector_shape(length: int, orientation: str, pad: bool) -> tuple[int, int]:
    """The 2-D view of a 1-D vector; local buffers (`pad`) are whole tiles."""
    n = -(-length // TILE) * TILE if pad else length
    width = TILE if pad else 1
    return (n, width) if orientation == "col" else (width, n)


class _Frontend:
    def __init__(self, func: tirx.PrimFunc) -> None:
        self.func = func
        self.vectors = _vector_orientations(func)
        self.tensors: dict[str, Tensor] = {}
        self.buffers: dict[str, LocalBuffer] = {}
        self.grid: list[tuple[str, int]] = []
        # each T.Kernel scope: (grid, its buffers, threads, body, derived), in program order
        self.launches: list[tuple] = []
        self.derived: dict[str, Derived] = {}  # grid coordinates computed by division
        self.extents: dict[str, int] = {}  # grid and loop variables in scope -> extent
        self.threads = 1
        # T.alloc_var / T.alloc_local slots -> the compile-time constant stored there
        self.scalars: dict[str, dict[int, float]] = {}
        self.masks = 0  # index masks made so far (each gets its own reader-filled CB)
        self.panels: dict[str, Panels] = {}  # tensors of rank >= 3
        self.stacked: dict[str, tuple[int, ...]] = {}  # local buffers of rank >= 3
        self.private: set[str] = set()  # ... whose leading dims one loop variable indexes
        tiled = tiled_dims(func, _where, self.vectors)
        self.alias = {name: param for name, (param, _) in aliases(func).items()}
        views = {param: shape for param, shape in aliases(func).values()}
        for param in func.params:
            buf = func.buffer_map.get(param)
            if buf is None:
                raise CompileError(
                    "prim_func",
                    f"scalar parameter {param.name} is not supported; give the value as a "
                    "Python constant of the kernel builder",
                )
            shape = tuple(self._int(d, "tensor shape", buf) for d in buf.shape)
            check_dtype(str(buf.dtype), f"T.Tensor {buf.name}")
            if buf.name in views:
                self.tensors[buf.name] = self._aliased(buf, shape, views[buf.name])
                continue
            if buf.name in tiled:
                panels = self.panels[buf.name] = Panels.of(shape, tiled[buf.name])
                self.tensors[buf.name] = Tensor(
                    buf.name, panels.view, str(buf.dtype), shape, panels.host_order, panels.count
                )
                continue
            view = self._view(buf.name, shape, pad=False)
            self.tensors[buf.name] = Tensor(buf.name, view, str(buf.dtype), shape)

    # -- helpers ---------------------------------------------------------------------------
    @staticmethod
    def _int(value: object, what: str, node: object) -> int:
        if isinstance(value, tirx.IntImm | int):
            return int(value)
        raise CompileError(
            what,
            f"must be a compile-time constant, got {value}; build the kernel for concrete "
            "shapes (pass them as Python ints to the builder) instead of T.symbolic/T.dynamic",
            _where(node),
        )

    def _const(self, e: object, scope: _Scope) -> float | None:
        """The value of a scalar expression fixed at compile time (`-T.infinity(dtype)`,
        `T.float32(1.0) / D`, a let or `T.alloc_var` holding one), else None."""
        if isinstance(e, tirx.IntImm | tirx.FloatImm):
            return float(e.value)
        if isinstance(e, tirx.Cast):
            return self._const(e.value, scope)
        if isinstance(e, tirx.Var):
            return scope.consts.get(e.name)
        if isinstance(e, tirx.Call) and e.op.name == "tl.infinity":
            return math.inf
        if isinstance(e, tirx.BufferLoad) and e.buffer.name in self.scalars:
            index = self._const(e.indices[0], scope) if len(e.indices) == 1 else None
            return self.scalars[e.buffer.name].get(int(index)) if index is not None else None
        folds = {
            tirx.Add: operator.add,
            tirx.Sub: operator.sub,
            tirx.Mul: operator.mul,
            tirx.Div: lambda a, b: a / b if b else math.copysign(math.inf, a) if a else math.nan,
            tirx.Max: max,
            tirx.Min: min,
        }
        fold = folds.get(type(e))
        if fold is None:
            return None
        a, b = self._const(e.a, scope), self._const(e.b, scope)
        return None if a is None or b is None else fold(a, b)

    def _scalar_store(self, node: tirx.BufferStore, scope: _Scope) -> None:
        """`v = value` for a `T.alloc_var`/`T.alloc_local` slot: kept as a compile-time constant;
        a value known only at run time has no per-thread register to live in on Tensix."""
        name = node.buffer.name
        index = self._const(node.indices[0], scope) if len(node.indices) == 1 else None
        value = self._const(node.value, scope)
        if index is None or value is None:
            raise CompileError(
                "T.alloc_var",
                f"{name} is assigned {node.value}, a value known only at run time; Tensix compute "
                "has no per-thread scalar registers: keep per-row state in a T.alloc_fragment "
                "vector, or assign a compile-time constant",
                _where(node),
            )
        slots = self.scalars[name]
        if int(index) in slots and slots[int(index)] != value:
            raise CompileError(
                "T.alloc_var",
                f"{name}[{int(index)}] is assigned twice ({slots[int(index)]!r}, then {value!r}); "
                "a scalar is folded as a constant, so assign it once",
                _where(node),
            )
        slots[int(index)] = value

    def _view(self, name: str, shape: tuple[int, ...], pad: bool) -> tuple[int, ...]:
        if len(shape) == 1:
            return _vector_shape(shape[0], self.vectors.get(name, "row"), pad)
        return shape

    def _view_region(
        self, name: str, start: tuple[Affine, ...], extent: tuple[int, ...]
    ) -> tuple[tuple[Affine, ...], tuple[int, ...]]:
        """A 1-D window of a vector as a 2-D window over whole tiles of its view."""
        if len(start) != 1:
            return start, extent
        if self.vectors.get(name, "row") == "col":
            return (start[0], Affine()), _vector_shape(extent[0], "col", pad=True)
        return (Affine(), start[0]), _vector_shape(extent[0], "row", pad=True)

    def _affine(self, e: object, scope: _Scope, node: object) -> Affine:
        if isinstance(e, tirx.IntImm | int):
            return Affine.of(int(e))
        if isinstance(e, tirx.Var):
            if e.name in scope.opaque:
                raise CompileError(
                    "index",
                    f"thread index {e.name} used in an index; Tensix kernels are block-level",
                    _where(node),
                )
            return scope.lets.get(e.name, Affine(((e.name, 1),), 0))
        if isinstance(e, tirx.Add):
            return self._affine(e.a, scope, node) + self._affine(e.b, scope, node)
        if isinstance(e, tirx.Sub):
            return self._affine(e.a, scope, node) + self._affine(e.b, scope, node).scale(-1)
        if isinstance(e, tirx.Mul):
            a, b = self._affine(e.a, scope, node), self._affine(e.b, scope, node)
            if not a.terms:
                return b.scale(a.const)
            if not b.terms:
                return a.scale(b.const)
        if isinstance(e, tirx.FloorDiv | tirx.FloorMod) and isinstance(e.b, tirx.IntImm):
            derived = self._derived(e, self._affine(e.a, scope, node), int(e.b))
            if derived is not None:
                return derived
        raise CompileError(
            "index", f"index expression {e} is not affine in loop variables", _where(node)
        )

    def _derived(self, e: object, a: Affine, by: int) -> Affine | None:
        """`g // n` or `g % n` of a grid variable g (or of such a coordinate): a coordinate the
        block loop computes (a flattened batch x heads grid, a GQA group); None otherwise."""
        bases = {v for v, _ in self.grid} | set(self.derived)
        if (
            by <= 0
            or a.const
            or len(a.terms) != 1
            or a.terms[0][1] != 1
            or a.terms[0][0] not in bases
        ):
            return None
        var = a.terms[0][0]
        op = "/" if isinstance(e, tirx.FloorDiv) else "%"
        name = f"{var}_{'div' if op == '/' else 'mod'}{by}"
        self.derived[name] = Derived(name, var, op, by)
        return Affine(((name, 1),))

    def _region(self, arg: object, scope: _Scope, node: object) -> Region:
        if isinstance(arg, tirx.Call) and arg.op.name == "tl.region":
            load = arg.args[0]
            extents = tuple(self._int(x, "region extent", node) for x in arg.args[2:])
        elif isinstance(arg, tirx.BufferLoad):
            load, extents = arg, (1,) * len(arg.indices)
        else:
            raise CompileError("region", f"unsupported operand {arg}", _where(node))
        buf = load.buffer
        name = self.alias.get(buf.name, buf.name)  # a T.Tensor view of a parameter is the parameter
        if name not in self.tensors and name not in self.buffers:
            raise CompileError(
                "region",
                f"{buf.name} is neither a kernel parameter nor a T.alloc_shared/T.alloc_fragment "
                "buffer (T.reshape and T.view aliases have no mapping); copy the data instead",
                _where(node),
            )
        start = tuple(self._affine(i, scope, node) for i in load.indices)
        if len(extents) != len(start):
            raise CompileError(
                "region", f"{buf.name}: {len(extents)} extents for {len(start)} dims", _where(node)
            )
        return self._window(self.alias.get(buf.name, buf.name), start, extents, node)

    def _aliased(self, buf: tirx.Buffer, shape: tuple[int, ...], view: tuple[int, ...]) -> Tensor:
        """A parameter read and written only through a 2-D view of its row-major data (a
        `T.Tensor(view, dtype, X.data)` in the kernel): laid out as that view."""
        name = buf.name
        mine = [a for a, p in self.alias.items() if p == name]
        if len(view) != 2 or prod(view) != prod(shape) or self._used_directly(name):
            raise CompileError(
                "T.Tensor",
                f"views {', '.join(mine)} of {name}{list(shape)} as {list(view)}: a parameter "
                "may be viewed as one 2-D reshape of its data and then used only through it",
            )
        return Tensor(name, view, str(buf.dtype), shape)

    def _used_directly(self, name: str) -> bool:
        used: list[bool] = []
        tirx.stmt_functor.post_order_visit(
            self.func.body,
            lambda n: (
                used.append(True)
                if isinstance(n, tirx.BufferLoad | tirx.BufferStore) and n.buffer.name == name
                else None
            ),
        )
        return bool(used)

    def _host_shape(self, tensor: str) -> tuple[int, ...]:
        t = self.tensors[tensor]
        return t.host_shape or t.shape

    def _window(
        self, name: str, start: tuple[Affine, ...], extent: tuple[int, ...], node: object
    ) -> Region:
        """A window of a tensor or buffer as a window of its 2-D view (panels of an N-D
        tensor, stacked panels of an N-D buffer, whole tiles of a vector)."""
        if name in self.panels:
            return self.panels[name].window(name, start, extent, _where(node))
        if name in self.stacked:
            return stacked_window(name, self.stacked[name], start, extent, _where(node))
        if name in self.private:
            return Region(name, start[-2:], extent[-2:])
        return Region(name, *self._view_region(name, start, extent))

    def _full_local(self, region: Region, op: str, node: object) -> str:
        buf = self.buffers.get(region.buffer)
        if buf is None or region.extent != buf.shape or any(s != Affine() for s in region.start):
            raise CompileError(
                op, f"operand {region} must be a whole shared/fragment buffer", _where(node)
            )
        return buf.name

    # -- statements ------------------------------------------------------------------------
    def stmts(self, node: object, scope: _Scope) -> list[Stmt]:
        if isinstance(node, tirx.SeqStmt):
            out: list[Stmt] = []
            for s in node.seq:
                out += self.stmts(s, scope)
            return out
        if isinstance(node, tirx.Bind):
            self._bind(node, scope)
            return []
        if isinstance(node, tirx.SBlockRealize):
            return self._block(node.block, scope)
        if isinstance(node, tirx.For):
            return self._for(node, scope)
        if isinstance(node, tirx.Evaluate) and isinstance(node.value, tirx.Call):
            return [self._tileop(node.value, scope, node)]
        if isinstance(node, tirx.AttrStmt) and str(node.attr_key) in GPU_HINTS:
            return self.stmts(node.body, scope)
        if isinstance(node, tirx.BufferStore) and node.buffer.name in self.scalars:
            self._scalar_store(node, scope)
            return []
        if isinstance(node, tirx.BufferStore):
            raise CompileError(
                "BufferStore",
                "scalar stores outside a T.Parallel nest have no tile mapping",
                _where(node),
            )
        raise CompileError(
            type(node).__name__, "statement not supported by the TT backend", _where(node)
        )

    def _bind(self, node: tirx.Bind, scope: _Scope) -> None:
        value = node.value
        if isinstance(value, tirx.Call) and "launch_thread" in value.op.name:
            scope.opaque.add(node.var.name)
            return
        if "float" in str(value.dtype):
            folded = self._const(value, scope)
            if folded is None:
                raise CompileError(
                    "let",
                    f"{node.var.name} = {value} is a scalar known only at run time; outside a "
                    "T.Parallel nest only compile-time constants have a Tensix mapping",
                    _where(node),
                )
            scope.consts[node.var.name] = folded
            return
        if isinstance(value, tirx.Min | tirx.Max):
            scope.stops[node.var.name] = self._stop(value, scope, node)
            return
        scope.lets[node.var.name] = self._affine(value, scope, node)

    def _stop(
        self, e: object, scope: _Scope, node: object
    ) -> tuple[int, tuple[tuple[Affine, int], ...]]:
        """A loop count `T.min(n, T.ceildiv(affine in grid vars, d), ...)`: (n, the other
        terms as (affine, d) for `affine // d`). Each block runs its own count, so the terms
        may only read grid variables, with non-negative coefficients and a count of at least
        one at block 0 (so every block runs the loop at least once, as the analyses assume)."""
        terms = _leaves(e, tirx.Min)
        consts = [int(t) for t in terms if isinstance(t, tirx.IntImm)]
        grid = {v for v, _ in self.grid}
        stop = []
        for t in terms:
            if isinstance(t, tirx.IntImm):
                continue
            num, by = (
                (t.a, int(t.b))
                if isinstance(t, tirx.FloorDiv) and isinstance(t.b, tirx.IntImm)
                else (t, 1)
            )
            a = self._affine(num, scope, node)
            if not (
                isinstance(e, tirx.Min)
                and consts
                and by > 0
                and all(v in grid and c >= 0 for v, c in a.terms)
                and a.const // by >= 1
            ):
                raise CompileError(
                    "T.min" if isinstance(e, tirx.Min) else "T.max",
                    f"loop count {e}: a block-dependent loop count must be T.min of a constant "
                    "and T.ceildiv terms of grid variables that are at least 1 for every block "
                    "(the causal loop range of the flash-attention examples); else loop over "
                    "every block (`T.ceildiv(seq_kv, block_N)`) and let a T.if_then_else mask "
                    "hide the rest",
                    _where(node),
                )
            stop.append((a, by))
        return min(consts), tuple(stop)

    def _block(self, block: tirx.SBlock, scope: _Scope) -> list[Stmt]:
        threads = block.annotations.get("tl.launch_threads")
        if threads is not None:
            self.threads = int(threads[0])
        for buf in block.alloc_buffers:
            scope_name = buf.scope()
            if scope_name in SCALAR_SCOPES:
                self.scalars[buf.name] = {}
                continue
            if scope_name not in SCOPES:
                raise CompileError(
                    "alloc",
                    f"{buf.name}: memory scope {scope_name} not supported; use T.alloc_shared "
                    "or T.alloc_fragment",
                    _where(block),
                )
            shape = tuple(self._int(d, "buffer shape", block) for d in buf.shape)
            check_dtype(str(buf.dtype), f"T.alloc_{SCOPES[scope_name]} {buf.name}", _where(block))
            view = self._view(buf.name, shape, pad=True)
            if len(shape) >= 3 and private_var(block.body, buf, set(self.tensors)) is not None:
                view = shape[-2:]  # one panel per iteration of the loop that indexes it
                self.private.add(buf.name)
            elif len(shape) >= 3:
                self.stacked[buf.name] = shape
                view = stacked_shape(shape)
            self.buffers[buf.name] = LocalBuffer(
                buf.name,
                view,
                str(buf.dtype),
                SCOPES[scope_name],
                self.vectors.get(buf.name, "row") if len(shape) == 1 else "",
            )
        return self.stmts(block.body, scope)

    def _for(self, node: tirx.For, scope: _Scope) -> list[Stmt]:
        count = node.extent
        if isinstance(count, tirx.Var) and count.name in scope.stops:
            extent, stop = scope.stops[count.name]
        elif isinstance(count, tirx.Min) and node.kind == tirx.ForKind.SERIAL:
            extent, stop = self._stop(count, scope, node)
        else:
            extent, stop = self._int(count, "loop extent", node), ()
        if self._int(node.min, "loop start", node) != 0:
            raise CompileError("for", "loops must start at 0", _where(node))
        kind = node.kind
        if kind == tirx.ForKind.THREAD_BINDING:
            tag = node.thread_binding.thread_tag
            if not tag.startswith("blockIdx."):
                raise CompileError("for", f"thread binding {tag} outside T.Kernel", _where(node))
            if extent <= 0:
                raise CompileError(
                    "T.Kernel",
                    f"grid dimension {tag} has {extent} blocks: an empty grid launches no work "
                    "(check the T.ceildiv of the shape that gives it)",
                    _where(node),
                )
            if tag != "blockIdx.x":  # y and z bind inside x's scope
                self.grid.append((node.loop_var.name, extent))
                self.extents[node.loop_var.name] = extent
                return self.stmts(node.body, scope)
            # a T.Kernel scope: one launch, its own grid and buffers
            self.grid, self.buffers, self.derived = [(node.loop_var.name, extent)], {}, {}
            self.extents[node.loop_var.name] = extent
            body = tuple(self.stmts(node.body, scope))
            self.launches.append(
                (tuple(self.grid), self.buffers, self.threads, body, tuple(self.derived.values()))
            )
            return []
        if kind == tirx.ForKind.PARALLEL:
            return self._parallel(node, scope)
        if kind in (tirx.ForKind.SERIAL, tirx.ForKind.UNROLLED):
            stages = node.annotations.get("num_stages")
            self.extents[node.loop_var.name] = extent
            body = tuple(self.stmts(node.body, scope))
            del self.extents[node.loop_var.name]
            return [Loop(node.loop_var.name, extent, int(stages or 0), body, _where(node), stop)]
        raise CompileError("for", f"loop kind {kind} not supported", _where(node))

    def _tileop(self, call: tirx.Call, scope: _Scope, node: object) -> Stmt:
        name = call.op.name
        where = _where(node)
        if name == "tl.tileop.copy":
            if "dst_block" in call.annotations:
                raise CompileError(
                    "T.copy_cluster",
                    "a copy into another block's shared memory (dst_block) has no mapping: each "
                    "Tensix core's L1 is its own; copy through a global tensor instead",
                    where,
                )
            return Copy(
                self._region(call.args[0], scope, node),
                self._region(call.args[1], scope, node),
                where,
            )
        if name == "tl.tileop.fill":
            target = self._full_local(self._region(call.args[0], scope, node), "T.fill", node)
            value = self._const(call.args[1], scope)
            if value is None:
                raise CompileError(
                    "T.fill",
                    f"fill value {call.args[1]} is known only at run time; T.fill takes a "
                    "compile-time constant (write a T.Parallel assignment for other values)",
                    where,
                )
            return Fill(target, value, where)
        if name == "tl.tileop.gemm":
            a, b, c = (
                self._full_local(self._region(x, scope, node), "T.gemm", node)
                for x in call.args[:3]
            )
            return Gemm(a, b, c, bool(call.args[3]), bool(call.args[4]), bool(call.args[9]), where)
        if name == "tl.tileop.reduce":
            return self._reduce(call, scope, node)
        raise CompileError(name, "tile operation not supported by the TT backend", where)

    def _reduce(self, call: tirx.Call, scope: _Scope, node: object) -> Reduce:
        """`T.reduce_sum/max(src, dst, dim, clear)`: the reduced dimension, in the 2-D view
        (a vector's only dimension is its long side)."""
        where = _where(node)
        src_region, dst_region = (self._region(x, scope, node) for x in call.args[:2])
        src, dst = (self._full_local(r, "T.reduce", node) for r in (src_region, dst_region))
        kind = str(call.args[2].value)
        if kind not in REDUCE_KINDS:
            raise CompileError(
                "T.reduce",
                f"reduction {kind!r} has no Tensix reduce_tile (supported: sum, max)",
                where,
            )
        rank = len(call.args[0].args[0].buffer.shape)
        dim = int(call.args[3]) % rank
        if rank == 1:
            dim = 0 if self.vectors.get(src, "row") == "col" else 1
        return Reduce(src, dst, REDUCE_KINDS[kind], dim, bool(call.args[4]), where)

    # -- T.Parallel ----------------------------------------------------------------------------
    def _parallel(self, node: tirx.For, scope: _Scope) -> list[Stmt]:
        pvars: list[tuple[str, int]] = []
        inner: object = node
        while isinstance(inner, tirx.For) and inner.kind == tirx.ForKind.PARALLEL:
            pvars.append((inner.loop_var.name, self._int(inner.extent, "parallel extent", inner)))
            inner = inner.body
        body_scope = _Scope(
            dict(scope.lets), set(scope.opaque), dict(scope.consts), dict(scope.stops)
        )
        out: list[Stmt] = []
        tir_lets: dict[tirx.Var, object] = {}  # every let, as TIR, for gathers
        for s in inner.seq if isinstance(inner, tirx.SeqStmt) else [inner]:
            if isinstance(s, tirx.Bind):
                tir_lets[s.var] = tirx.stmt_functor.substitute(s.value, tir_lets)
                # not affine: only a gather may use it (any other use is reported there)
                with contextlib.suppress(CompileError):
                    self._bind(s, body_scope)
            elif (
                isinstance(s, tirx.BufferStore)
                and (parts := gather_parts(s.value, set(self.tensors)))
                and not self._affine_access(parts[0], body_scope)
            ):
                loops = [(v, e) for v, e in self._parallel_vars(node)]
                panels = self.panels.get(parts[0].buffer.name)
                extents = dict(self.extents)
                out.append(build_gather(s, *parts, tir_lets, loops, extents, _where(s), panels))
            elif isinstance(s, tirx.BufferStore):
                out.append(self._store(s, pvars, body_scope, tir_lets))
            elif isinstance(s, tirx.IfThenElse) and isinstance(s.then_case, tirx.BufferStore):
                self._bounds_guard(s, body_scope)
                out.append(self._store(s.then_case, pvars, body_scope, tir_lets))
            else:
                raise CompileError(
                    type(s).__name__, "only assignments are supported inside T.Parallel", _where(s)
                )
        return out

    def _affine_access(self, load: tirx.BufferLoad, scope: _Scope) -> bool:
        try:
            for i in load.indices:
                self._affine(i, scope, load)
        except CompileError:
            return False
        return True

    def _parallel_vars(self, node: tirx.For) -> list[tuple[tirx.Var, int]]:
        out = []
        while isinstance(node, tirx.For) and node.kind == tirx.ForKind.PARALLEL:
            out.append((node.loop_var, int(node.extent)))
            node = node.body
        return out

    def _store(self, s: tirx.BufferStore, pvars, scope: _Scope, lets: dict) -> Eltwise:
        """`dst[i, j] = value`, with the nest's lets (`norm = ...`) substituted into value."""
        dst = self._access(s.buffer, s.indices, pvars, scope, s)
        value = tirx.stmt_functor.substitute(s.value, lets)
        if (
            isinstance(value, tirx.Cast)
            and str(value.dtype) == str(s.buffer.dtype)
            and converted_by_packer(str(value.value.dtype), str(value.dtype))
        ):
            value = value.value  # the pack into the destination's CB converts
        return Eltwise(dst, self._expr(value, pvars, scope, s), _where(s))

    def _bounds_guard(self, node: tirx.IfThenElse, scope: _Scope) -> None:
        """`if y < M and x < N: C[y, x] = ...`: a guard that only keeps the store inside the
        destination tensor changes nothing here (edge tiles are clipped by the writer)."""
        store = node.then_case
        indices = [self._affine(i, scope, node) for i in store.indices]
        for cond in _leaves(node.condition, tirx.And):
            ok = (
                node.else_case is None
                and isinstance(cond, tirx.LT)
                and isinstance(cond.b, tirx.IntImm)
                and store.buffer.name in self.tensors
                and any(
                    self._affine(cond.a, scope, node) == idx and int(cond.b) == dim
                    for idx, dim in zip(indices, self._host_shape(store.buffer.name), strict=True)
                )
            )
            if not ok:
                raise CompileError(
                    "if",
                    f"condition {cond} is not a bounds check `index < extent` of the stored tensor; "
                    "other conditional assignments have no tile mapping",
                    _where(node),
                )

    def _access(self, buf, indices, pvars, scope: _Scope, node) -> Region:
        """buf[indices] inside a Parallel nest: dimension d must advance with parallel var d."""
        if len(indices) == len(pvars) == 1:
            aff = self._affine(indices[0], scope, node)
            if aff.coeff(pvars[0][0]) != 1:
                raise CompileError(
                    "T.Parallel",
                    f"{buf.name} must be indexed by parallel var {pvars[0][0]} with stride 1",
                    _where(node),
                )
            start = (aff.without(pvars[0][0]),)
            return Region(buf.name, *self._view_region(buf.name, start, (pvars[0][1],)))
        if len(indices) < len(pvars) or (len(indices) > len(pvars) and len(indices) < 3):
            raise CompileError(
                "T.Parallel",
                f"{buf.name} is indexed with {len(indices)} dims inside a {len(pvars)}-D Parallel nest"
                " (broadcast/reduction accesses are not supported)",
                _where(node),
            )
        # an N-D tensor or buffer: the parallel vars advance its dims in order, one dim each;
        # the other dims take one index (a panel)
        affs = [self._affine(idx, scope, node) for idx in indices]
        dims = [next((d for d, a in enumerate(affs) if a.coeff(var)), -1) for var, _ in pvars]
        if -1 in dims and buf.name in self.tensors:
            unused = ", ".join(v for (v, _), d in zip(pvars, dims, strict=True) if d < 0)
            raise CompileError(
                "T.Parallel",
                f"{buf.name} is not indexed by parallel var {unused}: a broadcast of a tensor's "
                f"row or column inside T.Parallel has no tile mapping; copy it into a 1-D buffer "
                f"first (`T.copy({buf.name}[...], x_shared)`) and read that buffer in the nest",
                _where(node),
            )
        start, extent = [], []
        for dim, aff in enumerate(affs):
            p = dims.index(dim) if dim in dims else -1
            ok = all(aff.coeff(var) == (1 if q == p else 0) for q, (var, _) in enumerate(pvars))
            if not ok or dims != sorted(dims) or -1 in dims:
                want = pvars[dim] if len(pvars) == len(affs) else pvars[p] if p >= 0 else None
                raise CompileError(
                    "T.Parallel",
                    f"{buf.name} dim {dim} must be indexed by "
                    + (f"parallel var {want[0]} with stride 1" if want else "no parallel var")
                    + " (transposed or strided accesses are not supported; the parallel vars "
                    "index the dims in order)",
                    _where(node),
                )
            start.append(aff.without(pvars[p][0]) if p >= 0 else aff)
            extent.append(pvars[p][1] if p >= 0 else 1)
        return self._window(self.alias.get(buf.name, buf.name), tuple(start), tuple(extent), node)

    def _broadcast(self, e: tirx.BufferLoad, pvars, scope: _Scope, node) -> Load:
        """`x[j]` (or `x[i]`) of a vector in a 2-D nest: the vector's tiles, broadcast."""
        orientation = self.vectors.get(e.buffer.name, "row")
        p = 1 if orientation == "row" else 0
        aff = self._affine(e.indices[0], scope, node)
        var, extent = pvars[p]
        if aff.coeff(var) != 1 or aff.coeff(pvars[1 - p][0]) != 0:
            raise CompileError(
                "T.Parallel",
                f"vector {e.buffer.name} must be indexed by parallel var {var} with stride 1 "
                f"(it is a {orientation} vector here)",
                _where(node),
            )
        region = Region(
            e.buffer.name, *self._view_region(e.buffer.name, (aff.without(var),), (extent,))
        )
        return Load(region, "rows" if orientation == "row" else "cols")

    def _expr(self, e: object, pvars, scope: _Scope, node) -> Expr:
        folded = self._const(e, scope)
        if folded is not None:
            return Const(folded)
        if isinstance(e, tirx.BufferLoad) and e.buffer.name in self.scalars:
            raise CompileError(
                "T.alloc_var",
                f"{e} is read where no compile-time constant has been assigned to it; a scalar "
                "is folded as a constant (assign it once, before its use)",
                _where(node),
            )
        if isinstance(e, tirx.BufferLoad):
            if len(e.indices) == 1 and len(pvars) == 2:
                return self._broadcast(e, pvars, scope, node)
            return Load(self._access(e.buffer, e.indices, pvars, scope, node))
        if isinstance(e, tirx.Var):
            raise CompileError(
                "thread index" if e.name in scope.opaque else "scalar",
                f"{e.name} is "
                + (
                    "a thread index (T.get_thread_binding / threadIdx); a Tensix block is one "
                    "core's tile work, it has no threads"
                    if e.name in scope.opaque
                    else "a scalar known only at run time; element-wise operands are tiles or "
                    "compile-time constants"
                ),
                _where(node),
            )
        if isinstance(e, tirx.Cast):
            src, dst = str(e.value.dtype), str(e.dtype)
            check_dtype(dst, "T.cast", _where(node))
            inner = self._expr(e.value, pvars, scope, node)
            if converted_by_packer(src, dst):
                check_cast_in_expression(src, dst, _where(node))
                return inner
            if src == dst or (dst == "float32" and not isinstance(inner, Load)):
                # widening a computed value changes nothing: DST already holds it at least as
                # wide (these casts are TileLang's implicit promotions of bf16 arithmetic)
                return inner
            check_dtype(src, "T.cast source", _where(node))
            return Unary(typecast_op(src, dst), inner)
        if type(e) in COMPARE_NODES or isinstance(e, tirx.And | tirx.Or | tirx.Not):
            return self._condition(e, pvars, scope, node)
        if type(e) in BINARY_NODES:
            a, b = (self._expr(x, pvars, scope, node) for x in (e.a, e.b))
            if isinstance(e, tirx.Max) and b == Const(0.0):
                return Unary("relu", a)
            return Binary(BINARY_NODES[type(e)], a, b)
        name = e.op.name if isinstance(e, tirx.Call) else ""
        intrinsic = name.rsplit(".", 1)[-1]
        if name == "tirx.if_then_else" or isinstance(e, tirx.Select):
            args = e.args if name else (e.condition, e.true_value, e.false_value)
            cond, a, b = (self._expr(x, pvars, scope, node) for x in args)
            return Select(cond, a, b)
        if name == "tl.clamp":
            x, lo, hi = (self._expr(a, pvars, scope, node) for a in e.args)
            return Binary("min", Binary("max", x, lo), hi)
        if intrinsic in ROUNDING_MODE_CALLS and str(e.args[1].value) != "rn":
            raise CompileError(
                name,
                f"rounding mode {e.args[1].value!r}: the SFPU rounds to nearest (use 'rn')",
                _where(node),
            )
        if intrinsic in ("pow_of_int", "pow"):
            exponent = self._const(e.args[1], scope)
            if exponent is None or exponent != int(exponent):
                raise CompileError(
                    name,
                    f"exponent {e.args[1]} must be a compile-time integer (power_iterative_tile)",
                    _where(node),
                )
            return Binary("pow", self._expr(e.args[0], pvars, scope, node), Const(exponent))
        if intrinsic in UNARY_CALLS:
            return Unary(UNARY_CALLS[intrinsic], self._expr(e.args[0], pvars, scope, node))
        if name.startswith(SIMT_CALLS):
            raise CompileError(
                name,
                "warp-level SIMT intrinsics have no Tensix mapping: a core computes whole 32x32 "
                "tiles; use T.reduce_* for reductions across a row or column",
                _where(node),
            )
        raise CompileError(
            name or type(e).__name__,
            f"element-wise expression {e} has no Tensix tile operation",
            _where(node),
        )

    def _condition(self, e: object, pvars, scope: _Scope, node) -> Expr:
        """A comparison (or `and` of them): a mask the reader writes when it reads only the
        T.Parallel and loop/grid indices (`bx * block_M + i >= k * block_N + j`), else an SFPU
        comparison of tiles giving 1.0 / 0.0."""
        if isinstance(e, tirx.Not):
            # 1.0 / 0.0 values: not is equality with 0
            return Binary("eq", self._expr(e.a, pvars, scope, node), Const(0.0))
        terms = self._index_terms(e, scope, node)
        if terms is None:
            if isinstance(e, tirx.And | tirx.Or):
                # 1.0 / 0.0 values: `and` is their product, `or` their maximum
                a, b = (self._expr(x, pvars, scope, node) for x in (e.a, e.b))
                return Binary("mul" if isinstance(e, tirx.And) else "max", a, b)
            a, b = (self._expr(x, pvars, scope, node) for x in (e.a, e.b))
            return Binary(COMPARE_NODES[type(e)], a, b)
        if len(pvars) != 2:
            raise CompileError(
                "T.if_then_else",
                f"index condition {e} in a {len(pvars)}-D T.Parallel nest; index masks are "
                "written per 32x32 tile of a 2-D nest",
                _where(node),
            )
        self.masks += 1
        return Mask(terms, pvars[0][0], pvars[1][0], f"mask{self.masks}")

    def _index_terms(self, e: object, scope: _Scope, node):
        """`e` as an or of ands of `(lhs - rhs, op)` when every comparison in it is affine in
        integer indices, else None."""
        if isinstance(e, tirx.And | tirx.Or):
            a, b = (self._index_terms(x, scope, node) for x in (e.a, e.b))
            if a is None or b is None:
                return None
            return a + b if isinstance(e, tirx.Or) else tuple(x + y for x in a for y in b)
        if type(e) not in COMPARE_NODES or "int" not in str(e.a.dtype):
            return None
        try:
            d = self._affine(e.a, scope, node) + self._affine(e.b, scope, node).scale(-1)
        except CompileError:
            return None
        return (((d, COMPARE_NODES[type(e)]),),)


def launches_of(func: tirx.PrimFunc, name: str | None = None) -> list[Program]:
    """Read a TileLang PrimFunc into the tile-program IR: one Program per `T.Kernel` scope, in
    the order they run (each takes every tensor parameter; the ones it does not touch are
    unused)."""
    fe = _Frontend(func)
    outside = fe.stmts(func.body, _Scope())
    if outside:
        raise CompileError(
            "T.Kernel",
            "statements outside a T.Kernel scope have no core to run on; move them into one",
            outside[0].where,
        )
    if not fe.launches:
        raise CompileError("T.Kernel", "the PrimFunc has no T.Kernel grid (blockIdx bindings)")
    symbol = func.attrs.get("global_symbol") if func.attrs else None
    base = name or (str(symbol) if symbol else "kernel")
    many = len(fe.launches) > 1
    return [
        Program(
            name=f"{base}_{i}" if many else base,
            tensors=tuple(fe.tensors.values()),
            buffers=tuple(buffers.values()),
            grid=grid,
            threads=threads,
            body=body,
            derived=derived,
        )
        for i, (grid, buffers, threads, body, derived) in enumerate(fe.launches)
    ]


def from_prim_func(func: tirx.PrimFunc, name: str | None = None) -> Program:
    """The tile-program IR of a PrimFunc of one `T.Kernel` scope."""
    programs = launches_of(func, name)
    if len(programs) > 1:
        raise CompileError(
            "T.Kernel",
            f"the PrimFunc has {len(programs)} T.Kernel launches; `compiler.compile` makes one "
            "program of each, run in order",
        )
    return programs[0]
