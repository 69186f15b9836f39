"""Example 2.3 — reductions as a GPU user writes them in TileLang: each block copies a tile of
the input to a fragment and folds it with `T.reduce_sum` / `T.reduce_max` (clear=False, so the
K loop accumulates), along rows (dim=1: one value per row) or columns (dim=0: one value per
column); the full reduction folds the row sums once more into a 1-element result."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from compiler.examples.spec import Example, Shape

INIT = {"sum": 0.0, "max": -float("inf")}


def _fold(kind, src, dst, dim):
    if kind == "sum":
        T.reduce_sum(src, dst, dim=dim, clear=False)
    else:
        T.reduce_max(src, dst, dim=dim, clear=False)


def reduce_rows(M, N, kind="sum", block_M=64, block_N=64, dtype="bfloat16", accum="float"):
    """Out[i] = sum_j A[i, j] (or max): one block of rows per TileLang block, a loop over N."""

    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), Out: T.Tensor((M,), dtype)):
        with T.Kernel(T.ceildiv(M, block_M), threads=128) as bx:
            A_frag = T.alloc_fragment((block_M, block_N), dtype)
            acc = T.alloc_fragment((block_M,), accum)
            T.fill(acc, INIT[kind])
            for k in T.Pipelined(T.ceildiv(N, block_N), num_stages=2):
                T.copy(A[bx * block_M, k * block_N], A_frag)
                _fold(kind, A_frag, acc, 1)
            T.copy(acc, Out[bx * block_M])

    return main


def reduce_cols(M, N, kind="sum", block_M=64, block_N=64, dtype="bfloat16", accum="float"):
    """Out[j] = sum_i A[i, j] (or max): one block of columns per TileLang block, a loop over M."""

    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), Out: T.Tensor((N,), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), threads=128) as bx:
            A_frag = T.alloc_fragment((block_M, block_N), dtype)
            acc = T.alloc_fragment((block_N,), accum)
            T.fill(acc, INIT[kind])
            for k in T.Pipelined(T.ceildiv(M, block_M), num_stages=2):
                T.copy(A[k * block_M, bx * block_N], A_frag)
                _fold(kind, A_frag, acc, 0)
            T.copy(acc, Out[bx * block_N])

    return main


def reduce_all(M, N, kind="sum", block_M=64, block_N=64, dtype="bfloat16", accum="float"):
    """Out[0] = sum of every A[i, j] (or max), in one block: rows folded, then the row results."""

    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), Out: T.Tensor((1,), dtype)):
        with T.Kernel(1, threads=128) as _:
            A_frag = T.alloc_fragment((block_M, block_N), dtype)
            rows = T.alloc_fragment((block_M,), accum)
            total = T.alloc_fragment((1,), accum)
            T.fill(rows, INIT[kind])
            for i in T.serial(T.ceildiv(M, block_M)):
                for k in T.Pipelined(T.ceildiv(N, block_N), num_stages=2):
                    T.copy(A[i * block_M, k * block_N], A_frag)
                    _fold(kind, A_frag, rows, 1)
            if kind == "sum":
                T.reduce_sum(rows, total, dim=0)
            else:
                T.reduce_max(rows, total, dim=0)
            T.copy(total, Out[0])

    return main


KERNELS = {"rows": reduce_rows, "cols": reduce_cols, "all": reduce_all}


def reduction(M, N, axis="rows", kind="sum", **kwargs):
    return KERNELS[axis](M, N, kind=kind, **kwargs)


def make_inputs(params: dict[str, int | str], gen: torch.Generator) -> list[torch.Tensor]:
    """Normal values; for maxima all negative, so that a zero from padding or from an
    accumulator started at 0 would win and show."""
    dtype = getattr(torch, params.get("dtype", "bfloat16"))
    a = torch.randn((params["M"], params["N"]), generator=gen)
    return [(-a.abs() - 0.01 if params.get("kind") == "max" else a).to(dtype)]


def reference(a: torch.Tensor, axis: str = "rows", kind: str = "sum") -> torch.Tensor:
    x = a.float()
    folded = {
        "rows": lambda f: f(x, dim=1),
        "cols": lambda f: f(x, dim=0),
        "all": lambda f: f(x.flatten(), dim=0).reshape(1),
    }[axis]
    fold = torch.sum if kind == "sum" else (lambda t, dim: torch.amax(t, dim=dim))
    return folded(fold).to(a.dtype)


FP32 = {"dtype": "float32"}
EXAMPLE = Example(
    id="2.3",
    title="Reduction",
    kernel=reduction,
    make_inputs=make_inputs,
    reference=reference,
    reference_params=("axis", "kind"),
    shapes=(
        Shape("rows_sum", "row sums, 4 blocks of 64 rows, 8 K steps", {"M": 256, "N": 512}),
        Shape(
            "rows_max",
            "row maxima (fill -inf, reduce_max accumulates)",
            {"M": 128, "N": 192, "kind": "max"},
        ),
        Shape("rows_sum_fp32", "fp32 input and output", {"M": 128, "N": 256, **FP32}),
        Shape(
            "rows_many_blocks",
            "128 blocks of rows: 2 per core on 8x8",
            {"M": 8192, "N": 64},
        ),
        Shape(
            "cols_sum",
            "column sums (REDUCE_COL), loop over M",
            {"M": 512, "N": 256, "axis": "cols"},
        ),
        Shape(
            "cols_max_fp32",
            "fp32 column maxima",
            {"M": 192, "N": 128, "axis": "cols", "kind": "max", **FP32},
        ),
        Shape(
            "all_sum",
            "full sum: row sums folded again (REDUCE_COL)",
            {"M": 128, "N": 256, "axis": "all"},
        ),
        Shape(
            "all_max",
            "full maximum on one core",
            {"M": 192, "N": 128, "axis": "all", "kind": "max"},
        ),
        Shape(
            "rows_sum_ragged", "200x300: zero padding leaves the sums exact", {"M": 200, "N": 300}
        ),
        Shape(
            "rows_max_ragged",
            "200x300 negative values: the reader pads past the edge with -inf, not 0",
            {"M": 200, "N": 300, "kind": "max"},
        ),
        Shape(
            "cols_max_ragged_fp32",
            "fp32 200x300 negative values: -inf padding of edge rows",
            {"M": 200, "N": 300, "axis": "cols", "kind": "max", **FP32},
        ),
        Shape(
            "all_max_ragged",
            "200x300 negative values: -inf padding through both folds",
            {"M": 200, "N": 300, "axis": "all", "kind": "max"},
        ),
    ),
)
