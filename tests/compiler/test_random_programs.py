"""Seeded random TileLang programs nobody wrote by hand — element-wise expression trees over
three inputs, GEMMs of random shapes, blocks, stages and transposes, and element-wise programs
over 3-D and 4-D tensors windowed over a random pair of dims — compiled, run in the emulator and
compared with torch (seeded, so every run checks the same programs)."""

import importlib.util
import random

import pytest
import tl_kernels as K
import torch

import compiler
from compiler.examples.harness import pcc

LEAVES = [("A_s[i, j]", "a"), ("B_s[i, j]", "b"), ("C_s[i, j]", "c")]
UNARY = {
    "relu": ("T.max({}, 0)", "torch.relu({})"),
    "sigmoid": ("T.sigmoid({})", "torch.sigmoid({})"),
    "abs": ("T.abs({})", "torch.abs({})"),
    "tanh": ("T.tanh({})", "torch.tanh({})"),
    "exp2_of_tanh": ("T.exp2(T.tanh({}))", "torch.exp2(torch.tanh({}))"),
    "clamp": ("T.min(T.max({}, -1.0), 1.5)", "torch.clamp({}, -1.0, 1.5)"),
}
# two-operand ops beyond + - *: (TileLang, torch) templates over x and y; the division keeps
# its divisor at least 1 in magnitude so the tree's values stay bounded
BINARY = {
    "max": ("T.max({x}, {y})", "torch.maximum({x}, {y})"),
    "min": ("T.min({x}, {y})", "torch.minimum({x}, {y})"),
    "div": ("({x} / (T.abs({y}) + 1.0))", "({x} / (torch.abs({y}) + 1.0))"),
    "select": ("T.if_then_else({x} > {y}, {x}, {y})", "torch.where({x} > {y}, {x}, {y})"),
    # a condition on the element's global row and column: an index mask made by the reader
    "causal": (
        "T.if_then_else(by * bm + i >= bx * bn + j, {x}, {y})",
        "torch.where(rows >= cols, {x}, {y})",
    ),
}
KERNEL = """
def kernel(M, N, bm, bn):
    @T.prim_func
    def main(A: T.Tensor((M, N), "bfloat16"), B: T.Tensor((M, N), "bfloat16"),
             C: T.Tensor((M, N), "bfloat16"), D: T.Tensor((M, N), "bfloat16")):
        with T.Kernel(T.ceildiv(N, bn), T.ceildiv(M, bm), threads=128) as (bx, by):
            A_s = T.alloc_shared((bm, bn), "bfloat16")
            B_s = T.alloc_shared((bm, bn), "bfloat16")
            C_s = T.alloc_shared((bm, bn), "bfloat16")
            D_l = T.alloc_fragment((bm, bn), "float")
            T.copy(A[by * bm, bx * bn], A_s)
            T.copy(B[by * bm, bx * bn], B_s)
            T.copy(C[by * bm, bx * bn], C_s)
            for i, j in T.Parallel(bm, bn):
                D_l[i, j] = {expr}
            T.copy(D_l, D[by * bm, bx * bn])
    return main
"""


def expression(rng: random.Random, depth: int) -> tuple[str, str]:
    """A random expression as (TileLang, torch) source."""
    roll = rng.random()
    if depth == 0 or roll < 0.25:
        return rng.choice(LEAVES)
    if roll < 0.45:
        tl, th = UNARY[rng.choice(sorted(UNARY))]
        x, t = expression(rng, depth - 1)
        return tl.format(x), th.format(t)
    op = rng.choice(["+", "-", "*", "/"])
    if roll < 0.6:
        c = rng.choice([0.5, 2.0, -1.25])
        x, t = expression(rng, depth - 1)
        return f"({x} {op} {c})", f"({t} {op} {c})"
    (x, tx), (y, ty) = expression(rng, depth - 1), expression(rng, depth - 1)
    if roll < 0.8 and op != "/":
        return f"({x} {op} {y})", f"({tx} {op} {ty})"
    tl, th = BINARY[rng.choice(sorted(BINARY))]
    return tl.format(x=x, y=y), th.format(x=tx, y=ty)


@pytest.mark.parametrize("seed", range(24))
def test_random_elementwise_expression_matches_torch(seed, tmp_path):
    rng = random.Random(seed)
    tl_expr, torch_expr = expression(rng, 4)
    path = tmp_path / f"expr_{seed}.py"
    path.write_text("import tilelang.language as T\n" + KERNEL.replace("{expr}", tl_expr))
    spec = importlib.util.spec_from_file_location(f"expr_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    M, N = rng.randint(1, 200), rng.randint(1, 200)
    bm, bn = rng.choice([32, 64, 96]), rng.choice([32, 64, 128])
    a, b, c = (
        torch.randn(M, N, generator=torch.Generator().manual_seed(seed + i)).bfloat16()
        for i in range(3)
    )
    out = compiler.run(compiler.compile(module.kernel(M, N, bm, bn)), a, b, c)
    rows, cols = torch.meshgrid(torch.arange(M), torch.arange(N), indexing="ij")
    env = {
        "torch": torch,
        "a": a.float(),
        "b": b.float(),
        "c": c.float(),
        "rows": rows,
        "cols": cols,
    }
    expected = eval(torch_expr, env)
    assert pcc(out, expected.bfloat16()) >= 0.999, f"{tl_expr} on {M}x{N}, blocks {bm}x{bn}"


@pytest.mark.parametrize("seed", range(12))
def test_random_gemm_matches_torch(seed):
    rng = random.Random(100 + seed)
    M, N, Kd = (rng.randint(1, 300) for _ in range(3))
    blocks = {
        "block_M": rng.choice([32, 64, 128]),
        "block_N": rng.choice([32, 64, 128]),
        "block_K": rng.choice([32, 64]),
    }
    trans_b = rng.random() < 0.3
    g = torch.Generator().manual_seed(seed)
    a = torch.randn(M, Kd, generator=g).bfloat16()
    b = torch.randn((N, Kd) if trans_b else (Kd, N), generator=g).bfloat16()
    func = K.gemm(M, N, Kd, stages=rng.choice([1, 2, 3]), trans_b=trans_b, **blocks)
    out = compiler.run(compiler.compile(func), a, b)
    expected = (a.float() @ (b.float().T if trans_b else b.float())).bfloat16()
    assert pcc(out, expected) >= 0.999
    torch.testing.assert_close(out.float(), expected.float(), rtol=2e-2, atol=2e-2)


ND_KERNEL = """
def kernel():
    @T.prim_func
    def main(A: T.Tensor({shape}, "bfloat16"), B: T.Tensor({shape}, "bfloat16"),
             C: T.Tensor({shape}, "bfloat16"), D: T.Tensor({out_shape}, "bfloat16")):
        with T.Kernel(T.ceildiv({cols}, {bn}), T.ceildiv({rows}, {bm}), {grid_z}, threads=128) as (bx, by, bz):
            A_s = T.alloc_shared(({bm}, {bn}), "bfloat16")
            B_s = T.alloc_shared(({bm}, {bn}), "bfloat16")
            C_s = T.alloc_shared(({bm}, {bn}), "bfloat16")
            D_l = T.alloc_fragment(({bm}, {bn}), "float")
            for l in T.serial({loop}):
                T.copy(A[{window}], A_s)
                T.copy(B[{window}], B_s)
                T.copy(C[{window}], C_s)
                for i, j in T.Parallel({bm}, {bn}):
                    D_l[i, j] = {expr}
                T.copy(D_l, D[{out_window}])
    return main
"""


@pytest.mark.parametrize("seed", range(8))
def test_random_nd_program_matches_torch(seed, tmp_path):
    """A 3-D or 4-D tensor read in 2-D windows over a random pair of its dims (the others
    indexed by the grid's z and a serial loop), written to the permuted layout (leading dims,
    then the window's dims)."""
    rng = random.Random(200 + seed)
    rank = rng.choice([3, 4])
    shape = [rng.randint(1, 3) for _ in range(rank)]
    rows_dim, cols_dim = sorted(rng.sample(range(rank), 2))
    shape[rows_dim], shape[cols_dim] = rng.randint(1, 130), rng.randint(1, 130)
    lead = [d for d in range(rank) if d not in (rows_dim, cols_dim)]
    grid_dim, loop_dim = lead[0], (lead[1] if len(lead) > 1 else None)
    bm, bn = rng.choice([32, 64]), rng.choice([32, 64])
    index = {grid_dim: "bz", rows_dim: f"by * {bm} : (by + 1) * {bm}"}
    index |= {cols_dim: f"bx * {bn} : (bx + 1) * {bn}"}
    if loop_dim is not None:
        index[loop_dim] = "l"
    else:
        index[rank] = "l"  # a loop of one trip: the same kernel text for both ranks
    tl_expr, torch_expr = expression(rng, 3)
    source = ND_KERNEL.format(
        shape=tuple(shape),
        out_shape=(*(shape[d] for d in lead), shape[rows_dim], shape[cols_dim]),
        rows=shape[rows_dim],
        cols=shape[cols_dim],
        bm=bm,
        bn=bn,
        grid_z=shape[grid_dim],
        loop=shape[loop_dim] if loop_dim is not None else 1,
        window=", ".join(index[d] for d in range(rank)),
        out_window=", ".join(index[d] for d in (*lead, rows_dim, cols_dim)),
        expr=tl_expr,
    )
    path = tmp_path / f"nd_{seed}.py"
    # the block sizes as names too: the causal-mask operand is written `by * bm + i >= bx * bn + j`
    path.write_text(f"import tilelang.language as T\nbm, bn = {bm}, {bn}\n" + source)
    spec = importlib.util.spec_from_file_location(f"nd_{seed}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    g = torch.Generator().manual_seed(seed)
    a, b, c = (torch.randn(shape, generator=g).bfloat16() for _ in range(3))
    out = compiler.run(compiler.compile(module.kernel()), a, b, c)
    permuted = {
        n: t.float().permute(*lead, rows_dim, cols_dim)
        for n, t in zip("abc", (a, b, c), strict=True)
    }
    rows, cols = torch.meshgrid(
        torch.arange(shape[rows_dim]), torch.arange(shape[cols_dim]), indexing="ij"
    )
    names = {"torch": torch, "rows": rows, "cols": cols, **permuted}
    expected = eval(torch_expr, names).bfloat16()
    where = f"{tl_expr} on {shape}, window dims {(rows_dim, cols_dim)}, blocks {bm}x{bn}"
    assert pcc(out, expected) >= 0.999, where
    torch.testing.assert_close(out.float(), expected.float(), rtol=2e-2, atol=2e-2, msg=where)
