"""Tensors and buffers of rank >= 3 (and tensors read one row at a time) as stacks of 2-D tile
panels.

A Tensix tensor is paged in 32x32 tiles of two of its dims; every other dim indexes whole
panels. A (B, H, S, D) tensor read in (S-window, D) windows is B*H panels of S x D. Which two
dims are tiled is read from the kernel: the dims a `T.copy` window spans (its non-unit extents)
or a `T.Parallel` nest advances along. So a (B, S, H, D) tensor read as `Q[b, s0:s0+n, h, :]`
is tiled over (S, D), with (B, H) as panels: the host lays it out as the permuted (B, H, S, D)
tiles (a tilizing host does that layout anyway) and every window is whole tiles. One tensor
read in windows over two different dim pairs has no single page layout: a `CompileError`.

A tensor whose windows are single rows copied into 1-D buffers (`bias[e, cols]`) is panels of
one row, tiled over a `UNIT` dim: each row lands in row 0 of its tiles, as vectors are held.

Local buffers of rank >= 3 (`T.alloc_shared((2, 64, 64))`) are their leading dims' panels
stacked along the rows: a (2, 64, 64) buffer is one CB of a 128x64 block, used whole; or one
panel, when a single loop variable indexes every access (`private_var`).
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import tilelang  # noqa: F401  (makes the bundled `tvm` importable)
from tvm import tirx

from compiler.errors import CompileError
from compiler.ir import Affine, Region
from compiler.targets import TILE


def _free_vars(expr: object) -> set[str]:
    found: set[str] = set()
    tirx.stmt_functor.post_order_visit(
        expr, lambda n: found.add(n.name) if isinstance(n, tirx.Var) else None
    )
    return found


def aliases(func: tirx.PrimFunc) -> dict[str, tuple[str, tuple[int, ...]]]:
    """Views of tensor parameters declared in the kernel (`T.Tensor(shape, dtype, X.data)`, as
    tilelang's convolution example flattens its NHWC output): view name -> (parameter, shape)."""
    params = {b.data.name: b.name for b in func.buffer_map.values()}
    own = set(params.values())
    found: dict[str, tuple[str, tuple[int, ...]]] = {}

    def visit(n: object) -> None:
        if isinstance(n, tirx.BufferLoad | tirx.BufferStore):
            buf = n.buffer
            if buf.name not in own and buf.data.name in params:
                shape = tuple(int(d) if isinstance(d, tirx.IntImm) else -1 for d in buf.shape)
                found[buf.name] = (params[buf.data.name], shape)

    tirx.stmt_functor.post_order_visit(func.body, visit)
    return found


# The tile dim of a vector window that the tensor does not have: `bias[e, cols]` copied into a
# row vector is tiled as (UNIT, cols), one panel per expert, the vector in row 0 of its tiles.
UNIT = -1


def tiled_dims(func: tirx.PrimFunc, where, vectors: dict[str, str]) -> dict[str, tuple[int, int]]:
    """Tensor parameters of rank >= 3, and of rank 2 read as vectors (one row or column per
    window, into a 1-D buffer of orientation `vectors[name]`), -> the (row, column) dims their
    tiles span (`UNIT` for a vector's missing dim); dims of a tensor no window decides are the
    last two. `where(node)` renders a statement's location."""
    ranks = {b.name: len(b.shape) for b in func.buffer_map.values() if len(b.shape) >= 2}
    parallel: set[str] = set()
    tirx.stmt_functor.post_order_visit(
        func.body,
        lambda n: (
            parallel.add(n.loop_var.name)
            if isinstance(n, tirx.For) and n.kind == tirx.ForKind.PARALLEL
            else None
        ),
    )
    chosen: dict[str, tuple[tuple[int, int], str]] = {}
    nodes: list[object] = []  # visited first: an error raised inside the visitor loses its type
    tirx.stmt_functor.post_order_visit(func.body, nodes.append)
    # let-bound index variables (`m = by * block_M + i`) -> the variables they stand for
    lets = {n.var.name: _free_vars(n.value) for n in nodes if isinstance(n, tirx.Bind)}

    def uses_parallel(index: object) -> bool:
        seen, todo = set(), list(_free_vars(index))
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo += lets.get(name, ())
        return bool(seen & parallel)

    def note(name: str, pair: tuple[int, int], node: object) -> None:
        if name not in ranks:
            return
        first = chosen.setdefault(name, (pair, where(node)))
        if first[0] != pair:
            raise CompileError(
                "T.copy",
                f"{name} is read in windows over dims {first[0]} (at {first[1]}) and over dims "
                f"{pair}: a Tensix tensor is paged in tiles of one pair of dims; pass the data "
                "in a second tensor laid out for the other window, or use one window shape",
                where(node),
            )

    def visit(n: object) -> None:
        if isinstance(n, tirx.Evaluate) and isinstance(n.value, tirx.Call):
            if n.value.op.name == "tl.tileop.copy":
                ends = n.value.args[:2]
                for arg, other in zip(ends, ends[::-1], strict=True):
                    if isinstance(arg, tirx.Call) and arg.op.name == "tl.region":
                        extents = [
                            int(e) if isinstance(e, tirx.IntImm) else 2 for e in arg.args[2:]
                        ]
                        dims = [d for d, e in enumerate(extents) if e != 1]
                        into = other.args[0].buffer if isinstance(other, tirx.Call) else None
                        if len(dims) == 1 and into is not None and len(into.shape) == 1:
                            col = vectors.get(into.name, "row") == "col"
                            note(
                                arg.args[0].buffer.name,
                                (dims[0], UNIT) if col else (UNIT, dims[0]),
                                n,
                            )
                        elif len(dims) >= 2:
                            note(arg.args[0].buffer.name, (dims[-2], dims[-1]), n)
        elif isinstance(n, tirx.BufferStore):
            loads: list[tirx.BufferLoad] = []
            tirx.stmt_functor.post_order_visit(
                n.value, lambda x: loads.append(x) if isinstance(x, tirx.BufferLoad) else None
            )
            for access in (n, *loads):
                dims = [d for d, i in enumerate(access.indices) if uses_parallel(i)]
                if len(dims) >= 2:
                    note(access.buffer.name, (dims[-2], dims[-1]), n)

    for n in nodes:
        visit(n)
    out = {name: (rank - 2, rank - 1) for name, rank in ranks.items() if rank >= 3}
    out.update({name: pair for name, (pair, _) in chosen.items()})
    return out


@dataclass(frozen=True)
class Panels:
    """An N-D tensor's page layout: `order` = panel dims then the tiled (row, column) dims."""

    shape: tuple[int, ...]
    order: tuple[int, ...]

    @staticmethod
    def of(shape: tuple[int, ...], tiled: tuple[int, int]) -> Panels:
        lead = tuple(d for d in range(len(shape)) if d not in tiled)
        return Panels(shape, (*lead, *tiled))

    def size(self, dim: int) -> int:
        return 1 if dim == UNIT else self.shape[dim]

    @property
    def count(self) -> int:
        return prod(self.shape[d] for d in self.order[:-2])

    @property
    def view(self) -> tuple[int, int]:
        return self.size(self.order[-2]), self.size(self.order[-1])

    @property
    def host_order(self) -> tuple[int, ...]:
        """The host's permutation of the tensor's dims (a `UNIT` dim is a reshape)."""
        return tuple(d for d in self.order if d != UNIT)

    def stride(self, dim: int) -> int:
        """Flat panel distance of one step along panel dim `dim`."""
        lead = self.order[:-2]
        return prod(self.shape[d] for d in lead[lead.index(dim) + 1 :])

    def window(
        self, name: str, start: tuple[Affine, ...], extent: tuple[int, ...], where: str
    ) -> Region:
        """A window of the tensor as 2-D windows of its panels."""
        lead, (r, c) = self.order[:-2], self.order[-2:]
        spans = [d for d in lead if extent[d] != 1]
        if len(spans) > 1:
            raise CompileError(
                "T.copy",
                f"the window of {name} spans dims {spans} beside its tiled dims ({r}, {c}); "
                "at most one leading dim may have an extent above 1: copy one panel per "
                "statement (a loop over the others)",
                where,
            )
        panel = Affine()
        for d in lead:
            panel = panel + start[d].scale(self.stride(d))
        # a vector's missing dim: the whole tile, its data in row (or column) 0
        (r0, rn), (c0, cn) = (
            (Affine(), TILE) if d == UNIT else (start[d], extent[d]) for d in (r, c)
        )
        return Region(
            name,
            (r0, c0),
            (rn, cn),
            panel,
            extent[spans[0]] if spans else 1,
            self.stride(spans[0]) if spans else 1,
        )


def private_var(body: object, buffer: tirx.Buffer, params: set[str]) -> str | None:
    """The loop variable that every access of an N-D local buffer indexes all its leading dims
    with (`A_shared[b, :, :]` inside `for b in T.serial(batch)`), when only `T.copy`s from
    tensor parameters write it; else None. Such a buffer is one panel per iteration: every
    iteration fills its panel before reading it, so no value crosses iterations and one panel's
    CB holds it (TIR variables are distinct objects per loop: two loops both named `b` do not
    qualify; a buffer computed into could carry values across an outer loop's iterations)."""
    lead = len(buffer.shape) - 2
    nodes: list[object] = []
    tirx.stmt_functor.post_order_visit(body, nodes.append)
    fills = [  # destinations of copies from tensor parameters
        n.args[1]
        for n in nodes
        if isinstance(n, tirx.Call)
        and n.op.name == "tl.tileop.copy"
        and isinstance(n.args[0], tirx.Call)
        and n.args[0].args[0].buffer.name in params
    ]
    seen: list[object] = []
    for n in nodes:
        if (
            isinstance(n, tirx.Call)
            and n.op.name == "tl.region"
            and n.args[0].buffer.same_as(buffer)
        ):
            unit = all(isinstance(e, tirx.IntImm) and int(e) == 1 for e in n.args[2 : 2 + lead])
            written = int(n.args[1]) & 2
            if not unit or (written and not any(fill.same_as(n) for fill in fills)):
                return None
        elif isinstance(n, tirx.BufferStore) and n.buffer.same_as(buffer):
            return None
        if isinstance(n, tirx.BufferLoad) and n.buffer.same_as(buffer):
            seen.extend(n.indices[:lead])
    if not seen or not isinstance(seen[0], tirx.Var):
        return None
    return seen[0].name if all(i.same_as(seen[0]) for i in seen) else None


def stacked_shape(shape: tuple[int, ...]) -> tuple[int, int]:
    """A local buffer of rank >= 3: its leading dims' panels stacked along the rows."""
    return prod(shape[:-1]), shape[-1]


def stacked_window(
    name: str, shape: tuple[int, ...], start: tuple[Affine, ...], extent: tuple[int, ...], where
) -> Region:
    """A window of a stacked local buffer: the whole buffer (one circular buffer holds every
    panel, moved and computed on together)."""
    if any(s != Affine() for s in start) or tuple(extent) != tuple(shape):
        raise CompileError(
            "buffer",
            f"{name}{list(shape)} is used one panel at a time; a local buffer of rank >= 3 is "
            "one circular buffer of stacked panels, used whole: fill all its panels in one "
            "T.copy (e.g. `T.copy(X[b, 0:H, rows, cols], X_s)`), compute over every dim in one "
            "T.Parallel nest, or allocate one buffer per panel",
            where,
        )
    return Region(name, (Affine(), Affine()), stacked_shape(shape))
