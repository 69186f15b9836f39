"""3-D grids, grid extents computed from the shape, windows that span several panels of a 3-D
tensor, two T.Kernel scopes in one PrimFunc (two launches run in order), and the programs the
compiler rejects on purpose (each with the message that says what to write instead)."""

# No `from __future__ import annotations`: TileLang evaluates the T.Tensor annotations.
import tilelang.language as T
import torch

from corpus import Case


def batched_add_3d_grid(batch, M, N, block_M=64, block_N=64, dtype="bfloat16"):
    """tilelang's examples/elementwise add with a batch dim: global accesses in T.Parallel."""

    @T.prim_func
    def main(
        A: T.Tensor((batch, M, N), dtype),
        B: T.Tensor((batch, M, N), dtype),
        C: T.Tensor((batch, M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), batch, threads=128) as (
            bx,
            by,
            bz,
        ):
            for i, j in T.Parallel(block_M, block_N):
                C[bz, by * block_M + i, bx * block_N + j] = (
                    A[bz, by * block_M + i, bx * block_N + j]
                    * B[bz, by * block_M + i, bx * block_N + j]
                )

    return main


def extent_expressions(batch, heads, M, N, block_M=64, block_N=64, dtype="bfloat16"):
    """Grid extents as expressions of the shape (`(N + block_N - 1) // block_N`, `heads`)."""

    @T.prim_func
    def main(X: T.Tensor((batch, heads, M, N), dtype), Y: T.Tensor((batch, heads, M, N), dtype)):
        with T.Kernel(
            (N + block_N - 1) // block_N, T.ceildiv(M, block_M) * 1, heads, threads=128
        ) as (bx, by, bz):
            X_shared = T.alloc_shared((block_M, block_N), dtype)
            Y_local = T.alloc_fragment((block_M, block_N), "float")
            for b in T.serial(batch):
                T.copy(X[b, bz, by * block_M, bx * block_N], X_shared)
                for i, j in T.Parallel(block_M, block_N):
                    Y_local[i, j] = X_shared[i, j] + X_shared[i, j] * 0.5
                T.copy(Y_local, Y[b, bz, by * block_M, bx * block_N])

    return main


def stacked_pair(M, N, block_M=64, block_N=64, dtype="bfloat16"):
    """A (2, M, N) tensor (e.g. real and imaginary planes) read two panels at a time into a
    (2, block_M, block_N) shared buffer."""

    @T.prim_func
    def main(Z: T.Tensor((2, M, N), dtype), Y: T.Tensor((2, M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            Z_shared = T.alloc_shared((2, block_M, block_N), dtype)
            Y_local = T.alloc_fragment((2, block_M, block_N), dtype)
            T.copy(
                Z[0:2, by * block_M : (by + 1) * block_M, bx * block_N : (bx + 1) * block_N],
                Z_shared,
            )
            for c, i, j in T.Parallel(2, block_M, block_N):
                Y_local[c, i, j] = T.exp(Z_shared[c, i, j])
            T.copy(
                Y_local,
                Y[0:2, by * block_M : (by + 1) * block_M, bx * block_N : (bx + 1) * block_N],
            )

    return main


def heads_in_parallel(batch, heads, seq_len, dim, block_M=32, dtype="bfloat16"):
    """A 3-D T.Parallel nest over heads, rows and columns of 4-D global tensors."""

    @T.prim_func
    def main(
        X: T.Tensor((batch, heads, seq_len, dim), dtype),
        Y: T.Tensor((batch, heads, seq_len, dim), dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block_M), batch, threads=128) as (bx, by):
            for h, i, j in T.Parallel(heads, block_M, dim):
                Y[by, h, bx * block_M + i, j] = X[by, h, bx * block_M + i, j] * 2.0 + 1.0

    return main


def token_scales(batch, M, N, block_M=64, block_N=64, dtype="bfloat16"):
    """Per-token scales (batch, M) read as a column vector per block and broadcast over the
    columns (a dequantization epilogue)."""

    @T.prim_func
    def main(
        X: T.Tensor((batch, M, N), dtype),
        scale: T.Tensor((batch, M), dtype),
        Y: T.Tensor((batch, M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), batch, threads=128) as (
            bx,
            by,
            bz,
        ):
            X_shared = T.alloc_shared((block_M, block_N), dtype)
            scale_shared = T.alloc_shared((block_M,), dtype)
            Y_local = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(X[bz, by * block_M, bx * block_N], X_shared)
            T.copy(scale[bz, by * block_M], scale_shared)
            for i, j in T.Parallel(block_M, block_N):
                Y_local[i, j] = X_shared[i, j] * scale_shared[i]
            T.copy(Y_local, Y[bz, by * block_M, bx * block_N])

    return main


def two_kernels(M, N, block=64, dtype="bfloat16"):
    @T.prim_func
    def main(A: T.Tensor((M, N), dtype), B: T.Tensor((M, N), dtype), C: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            for i, j in T.Parallel(block, block):
                B[by * block + i, bx * block + j] = A[by * block + i, bx * block + j] * 2.0
        with T.Kernel(T.ceildiv(N, block), T.ceildiv(M, block), threads=128) as (bx, by):
            for i, j in T.Parallel(block, block):
                C[by * block + i, bx * block + j] = B[by * block + i, bx * block + j] + 1.0

    return main


# --- rejected on purpose -------------------------------------------------------------------------
def empty_batch(batch, M, N, block=64, dtype="bfloat16"):
    return batched_add_3d_grid(batch, M, N, block, block, dtype)


def two_window_shapes(batch, seq_len, heads, dim, block=32, dtype="bfloat16"):
    """X read as (seq, dim) windows and as (heads, dim) windows: no one page layout."""

    @T.prim_func
    def main(
        X: T.Tensor((batch, seq_len, heads, dim), dtype),
        Y: T.Tensor((batch, seq_len, heads, dim), dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, block), batch, threads=128) as (bx, by):
            S_shared = T.alloc_shared((block, dim), dtype)
            H_shared = T.alloc_shared((heads, dim), dtype)
            T.copy(X[by, bx * block : (bx + 1) * block, 0, :], S_shared)
            T.copy(X[by, bx * block, 0:heads, :], H_shared)
            T.copy(S_shared, Y[by, bx * block : (bx + 1) * block, 0, :])

    return main


def planes_one_at_a_time(M, N, block_M=64, block_N=64, dtype="bfloat16"):
    """Complex planes multiplied as GPU code writes it: panels of a stacked buffer one by one."""

    @T.prim_func
    def main(Z: T.Tensor((2, M, N), dtype), Y: T.Tensor((M, N), dtype)):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), threads=128) as (bx, by):
            Z_shared = T.alloc_shared((2, block_M, block_N), dtype)
            Y_local = T.alloc_fragment((block_M, block_N), dtype)
            T.copy(Z[0, by * block_M, bx * block_N], Z_shared[0, :, :])
            T.copy(Z[1, by * block_M, bx * block_N], Z_shared[1, :, :])
            for i, j in T.Parallel(block_M, block_N):
                Y_local[i, j] = Z_shared[0, i, j] * Z_shared[1, i, j]
            T.copy(Y_local, Y[by * block_M, bx * block_N])

    return main


def bias_rows_in_parallel(batch, M, N, block_M=64, block_N=64, dtype="bfloat16"):
    @T.prim_func
    def main(
        X: T.Tensor((batch, M, N), dtype),
        bias: T.Tensor((batch, N), dtype),
        Y: T.Tensor((batch, M, N), dtype),
    ):
        with T.Kernel(T.ceildiv(N, block_N), T.ceildiv(M, block_M), batch, threads=128) as (
            bx,
            by,
            bz,
        ):
            for i, j in T.Parallel(block_M, block_N):
                Y[bz, by * block_M + i, bx * block_N + j] = (
                    X[bz, by * block_M + i, bx * block_N + j] + bias[bz, bx * block_N + j]
                )

    return main


def window_over_two_lead_dims(batch, heads, seq_len, dim, dtype="bfloat16"):
    @T.prim_func
    def main(
        X: T.Tensor((batch, heads, seq_len, dim), dtype),
        Y: T.Tensor((batch, heads, seq_len, dim), dtype),
    ):
        with T.Kernel(T.ceildiv(seq_len, 32), threads=128) as bx:
            X_shared = T.alloc_shared((batch, heads, 32, dim), dtype)
            T.copy(X[0:batch, 0:heads, bx * 32 : (bx + 1) * 32, :], X_shared)
            T.copy(X_shared, Y[0:batch, 0:heads, bx * 32 : (bx + 1) * 32, :])

    return main


def _gen(n, dims):
    def make(params, gen):
        dtype = getattr(torch, params.get("dtype", "bfloat16"))
        shape = tuple(params[d] if isinstance(d, str) else d for d in dims)
        return [torch.randn(shape, generator=gen).to(dtype) for _ in range(n)]

    return make


def _never(*_args, **_kw):
    raise AssertionError("a rejected kernel has no reference")


CASES = [
    Case(
        name="nd_batched_mul_3d_grid",
        kernel=batched_add_3d_grid,
        make_inputs=_gen(2, ("batch", "M", "N")),
        reference=lambda a, b, **_: (a.float() * b.float()).to(a.dtype),
        shapes=(
            {"batch": 3, "M": 128, "N": 64},
            {"batch": 2, "M": 70, "N": 100},  # ragged
            {"batch": 2, "M": 64, "N": 64, "dtype": "float32"},
        ),
        # bf16: the product rounded once, as torch does (rtol below one bf16 ulp, 2^-8);
        # fp32: the FPU multiplies tf32 operands (10-bit mantissas): up to ~2^-10 relative
        tolerance=(2e-3, 1e-6),
        source="tilelang examples/elementwise/example_elementwise_add.py with a batch grid dim",
    ),
    Case(
        name="nd_grid_extent_expressions",
        kernel=extent_expressions,
        make_inputs=_gen(1, ("batch", "heads", "M", "N")),
        reference=lambda x, **_: (x.float() * 1.5).to(x.dtype),
        shapes=(
            {"batch": 2, "heads": 2, "M": 64, "N": 128},
            {"batch": 1, "heads": 3, "M": 90, "N": 40},  # ragged
            {"batch": 2, "heads": 1, "M": 64, "N": 64, "dtype": "float32"},
        ),
        tolerance=(1e-2, 1e-2),  # x + 0.5x in fp32, rounded once to bf16 (2^-8 relative)
        source="grid extents written as shape arithmetic, as in tilelang's examples",
    ),
    Case(
        name="nd_stacked_pair_exp",
        kernel=stacked_pair,
        make_inputs=_gen(1, (2, "M", "N")),
        reference=lambda z, **_: torch.exp(z.float()).to(z.dtype),
        shapes=(
            {"M": 64, "N": 128},
            {"M": 100, "N": 50},  # ragged
            {"M": 64, "N": 64, "dtype": "float32"},
        ),
        tolerance=(2e-2, 1e-3),  # the emulator's exp_tile (as the SFPU's) then one output rounding
        source="stacked planes as in complex-valued kernels; 3-D fragments",
    ),
    Case(
        name="nd_heads_in_parallel_global",
        kernel=heads_in_parallel,
        make_inputs=_gen(1, ("batch", "heads", "seq_len", "dim")),
        reference=lambda x, **_: (x.float() * 2 + 1).to(x.dtype),
        shapes=(
            {"batch": 2, "heads": 3, "seq_len": 64, "dim": 32},
            {"batch": 1, "heads": 2, "seq_len": 50, "dim": 64},  # ragged
            {"batch": 1, "heads": 2, "seq_len": 64, "dim": 32, "dtype": "float32"},
        ),
        tolerance=(1e-2, 1e-2),  # 2x is exact; + 1 rounds once (2^-8 relative in bf16)
        source="tilelang examples/elementwise style, one block over every head",
    ),
    Case(
        name="nd_token_scales_column_vectors",
        kernel=token_scales,
        make_inputs=lambda p, g: [
            *_gen(1, ("batch", "M", "N"))(p, g),
            *_gen(1, ("batch", "M"))(p, g),
        ],
        reference=lambda x, s, **_: (x.float() * s.float()[:, :, None]).to(x.dtype),
        shapes=(
            {"batch": 2, "M": 128, "N": 64},
            {"batch": 3, "M": 70, "N": 100},  # ragged
            {"batch": 2, "M": 64, "N": 64, "dtype": "float32"},
        ),
        # bf16: one product rounded once (below one bf16 ulp); fp32: tf32 operands, 2^-10
        tolerance=(2e-3, 1e-6),
        source="per-token scales of a batched dequantization epilogue",
    ),
    Case(
        name="nd_two_kernel_scopes_run_in_order",
        kernel=two_kernels,
        make_inputs=_gen(1, ("M", "N")),
        # B = 2A by the first launch, C = B + 1 by the second, which reads the first's output
        reference=lambda a, **_: ((a.float() * 2).to(a.dtype), (a.float() * 2 + 1).to(a.dtype)),
        shapes=({"M": 64, "N": 64}, {"M": 100, "N": 70}, {"M": 64, "N": 128, "dtype": "float32"}),
        tolerance=(1e-2, 1e-2),  # 2A is exact; 2A + 1 rounds once to bf16 (2^-8 relative)
        source="issue 14: two T.Kernel scopes (as split-K's two launches) emitted C++ redeclaring bx",
    ),
    Case(
        name="nd_empty_grid_rejected",
        kernel=empty_batch,
        make_inputs=_gen(1, ("batch", "M", "N")),
        reference=_never,
        shapes=({"batch": 0, "M": 64, "N": 64},),
        expect_error=r"T\.Kernel: grid dimension blockIdx\.z has 0 blocks",
        source="issue 14: a grid of 0 blocks crashed in the scheduler",
    ),
    Case(
        name="nd_two_window_shapes_rejected",
        kernel=two_window_shapes,
        make_inputs=_gen(1, ("batch", "seq_len", "heads", "dim")),
        reference=_never,
        shapes=({"batch": 1, "seq_len": 64, "heads": 32, "dim": 64},),
        expect_error=r"X is read in windows over dims \(1, 3\) .* and over dims \(2, 3\)",
        source="a BSHD tensor read both per head and across heads",
    ),
    Case(
        name="nd_stacked_panels_one_at_a_time_rejected",
        kernel=planes_one_at_a_time,
        make_inputs=_gen(1, (2, "M", "N")),
        reference=_never,
        shapes=({"M": 64, "N": 64},),
        expect_error=r"Z_shared\[2, 64, 64\] is used one panel at a time; .* or allocate one "
        r"buffer per panel",
        source="stacked shared buffers filled and read panel by panel",
    ),
    Case(
        name="nd_bias_row_in_parallel_rejected",
        kernel=bias_rows_in_parallel,
        make_inputs=_gen(1, ("batch", "M", "N")),
        reference=_never,
        shapes=({"batch": 2, "M": 64, "N": 64},),
        expect_error=r"bias is not indexed by parallel var i: .* copy it into a 1-D buffer first",
        source="a per-batch bias read straight from the global tensor in the nest",
    ),
    Case(
        name="nd_window_over_two_lead_dims_rejected",
        kernel=window_over_two_lead_dims,
        make_inputs=_gen(1, ("batch", "heads", "seq_len", "dim")),
        reference=_never,
        shapes=({"batch": 2, "heads": 2, "seq_len": 64, "dim": 64},),
        expect_error=r"spans dims \[0, 1\] beside its tiled dims .* copy one panel per statement",
        source="a 4-D shared buffer filled over batch and heads at once",
    ),
]
