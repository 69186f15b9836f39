"""TileLang's JIT workflow for Tenstorrent: `compiler.jit` is `tilelang.jit` / `tilelang.compile`
with a TT target. A kernel written for a GPU changes one line (the decorator) and is then called
with torch tensors; its outputs are allocated per `out_idx`, and `get_profiler()` reports the
cost model's device time.

    @compiler.jit(out_idx=[-1])              # was: @tilelang.jit(out_idx=[-1])
    def matmul(M, N, K, block_M=128, ...):
        @T.prim_func
        def main(A: T.Tensor((M, K), dtype), ...): ...
        return main

    kernel = matmul(1024, 1024, 1024)        # compiled once, cached in memory and on disk
    c = kernel(a, b)                         # runs on the emulator (backend "sim")

Why not `tilelang.compile(func, target=...)`: TileLang 0.1.15's backend registry
(`tilelang.backend.register_backend`) dispatches on a TVM target kind, and TVM target kinds are
registered in C++; it also expects TileLang's own lowering into a TVM runtime module. Our compiler
works on the PrimFunc as the user wrote it, before those passes, so it mirrors the API instead.

Compiled kernels are cached by the PrimFunc's structural hash, the target, the options and a
digest of the compiler's own sources: in memory, and on disk under `~/.cache/tt-ws/jit/`
(`TT_WS_JIT_CACHE` overrides). The C++ they emit is compiled once by the emulator's own cache."""

from __future__ import annotations

import functools
import hashlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compiler.api import Artifact
from compiler.api import compile as compile_artifact
from compiler.errors import CompileError, KernelArgumentError
from compiler.plan import BufferPlan
from compiler.targets import Target, get_target

BACKENDS = ("sim",)


@dataclass
class CacheStats:
    """How compiled kernels were found: counted per process, so tests can assert a disk hit."""

    memory_hits: int = 0
    disk_hits: int = 0
    compiles: int = 0


stats = CacheStats()
_memory: dict[str, Artifact] = {}


def cache_dir() -> Path:
    return Path(os.environ.get("TT_WS_JIT_CACHE", Path.home() / ".cache" / "tt-ws" / "jit"))


@functools.cache
def _compiler_digest() -> str:
    """The compiler's Python sources: a change to any pass invalidates every cached artifact."""
    root = Path(__file__).parent
    h = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def _cache_key(prim_func, target: Target, coarsen: bool) -> str:
    from tvm import ir

    parts = (str(ir.structural_hash(prim_func)), target.name, str(coarsen), _compiler_digest())
    return hashlib.sha256("\0".join(parts).encode()).hexdigest()[:32]


def _load_or_compile(prim_func, target: Target, coarsen: bool) -> Artifact:
    key = _cache_key(prim_func, target, coarsen)
    if key in _memory:
        stats.memory_hits += 1
        return _memory[key]
    entry = cache_dir() / key
    try:
        artifact = Artifact.load(entry)
        stats.disk_hits += 1
    except (OSError, ValueError):  # absent, or half-written by a process that died
        artifact = compile_artifact(prim_func, target=target, coarsen=coarsen)
        if not isinstance(artifact, Artifact):
            raise CompileError(
                "jit",
                f"{len(artifact.artifacts)} T.Kernel scopes are several launches; a jit kernel is "
                "one: run them with compiler.run(compiler.compile(func), ...)",
            ) from None
        stats.compiles += 1
        _store(artifact, entry)
    _memory[key] = artifact
    return artifact


def _store(artifact: Artifact, entry: Path) -> None:
    """Written beside the entry and renamed into place, so readers never see half an artifact."""
    entry.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(dir=entry.parent, prefix=f".{entry.name}-"))
    try:
        artifact.write(tmp)
        tmp.rename(entry)
    except (
        OSError
    ):  # another process stored it first (or the disk is read-only): keep ours in memory
        shutil.rmtree(tmp, ignore_errors=True)


def _out_indices(out_idx: int | Sequence[int] | None, buffers: list[BufferPlan]) -> list[int]:
    if out_idx is None:
        return []
    wanted = [out_idx] if isinstance(out_idx, int) else list(out_idx)
    n = len(buffers)
    indices = []
    for i in wanted:
        if not -n <= i < n:
            raise CompileError("out_idx", f"{i} is out of range for a kernel of {n} parameters")
        b = buffers[i % n]
        if b.access not in ("write", "readwrite"):
            raise CompileError(
                "out_idx",
                f"{i} names parameter {b.name}, which the kernel never writes; "
                f"it writes {', '.join(x.name for x in buffers if x.access in ('write', 'readwrite'))}",
            )
        indices.append(i % n)
    return indices


@dataclass(frozen=True)
class BenchResult:
    """One profiled run. `device_ms` is the cost model's estimate of the Tensix device time;
    `emulator_wall_ms` is how long this machine took to emulate it (not a device figure)."""

    device_ms: float
    cycles: int
    bottleneck: str
    emulator_wall_ms: float


class Profiler:
    """`kernel.get_profiler()`, as TileLang's: `assert_allclose` against a reference program and
    `do_bench`, on seeded random inputs unless tensors are given. Times of the kernel are the cost
    model's device time; the emulator is deterministic, so nothing is repeated."""

    def __init__(self, kernel: Kernel, seed: int = 0) -> None:
        self.kernel = kernel
        self.seed = seed

    def _inputs(self, given: Sequence[Any] | None) -> list[Any]:
        if given is not None:
            return list(given)
        import torch

        from compiler.backends.sim import TORCH_DTYPES

        gen = torch.Generator().manual_seed(self.seed)
        return [
            torch.randn(tuple(b.host_shape), generator=gen).to(TORCH_DTYPES[b.dtype])
            for b in self.kernel.input_buffers
        ]

    def bench(self, *inputs) -> BenchResult:
        """One run of the kernel: the modelled device time and the emulator's own wall time."""
        from compiler.backends.sim import execute
        from compiler.perf.analysis import analyze

        args = self.kernel.bind(self._inputs(inputs or None))
        run = execute(self.kernel.artifact, args)
        fidelity = next(k.math_fidelity for k in self.kernel.plan.kernels if k.role == "compute")
        perf = analyze(run.report, self.kernel.plan.target, fidelity)
        return BenchResult(
            perf.seconds * 1e3, perf.cycles, perf.bottleneck, run.report.wall_s * 1e3
        )

    def do_bench(
        self, func: Callable[..., Any] | None = None, *, input_tensors=None, **_options
    ) -> float:
        """Milliseconds. Without `func`: the kernel's modelled device time. With `func` (TileLang
        examples time their torch reference this way): its wall-clock time on this host's CPU,
        the median of 5 runs — a host figure, not comparable to a device time. TileLang's warm-up
        and repetition options are accepted and ignored."""
        inputs = self._inputs(input_tensors)
        if func is None:
            return self.bench(*inputs).device_ms
        times = []
        for _ in range(5):
            started = time.perf_counter()
            func(*inputs)
            times.append((time.perf_counter() - started) * 1e3)
        return statistics.median(times)

    def assert_allclose(
        self,
        reference_program: Callable[..., Any],
        input_tensors=None,
        atol: float = 1e-2,
        rtol: float = 1e-2,
        max_mismatched_ratio: float = 0.01,
    ) -> None:
        """The kernel's outputs against `reference_program(*inputs)`: at most
        `max_mismatched_ratio` of the elements may lie outside atol + rtol * |ref| (TileLang's
        rule); raises AssertionError naming the output, the share and the worst element."""
        import torch

        inputs = self._inputs(input_tensors)
        got = self.kernel(*inputs)
        want = reference_program(*inputs)
        got = [got] if isinstance(got, torch.Tensor) else list(got or [])
        want = [want] if isinstance(want, torch.Tensor) else list(want or [])
        if len(got) != len(want):
            raise AssertionError(
                f"the kernel returns {len(got)} outputs, the reference {len(want)}"
            )
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            g, w = g.float(), w.float()
            if g.shape != w.shape:
                raise AssertionError(
                    f"output {i}: shape {tuple(g.shape)}, reference {tuple(w.shape)}"
                )
            off = ~torch.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
            share = off.float().mean().item()
            if share > max_mismatched_ratio:
                worst = (g - w).abs().nan_to_num(float("inf")).argmax()
                raise AssertionError(
                    f"output {i}: {share:.2%} of the elements differ beyond atol {atol} + rtol "
                    f"{rtol}·|ref| (allowed {max_mismatched_ratio:.2%}); e.g. at flat index "
                    f"{int(worst)}: {g.flatten()[worst].item()} vs {w.flatten()[worst].item()}"
                )


class Kernel:
    """A compiled kernel, called like TileLang's `JITKernel`: with the inputs only when `out_idx`
    names the outputs (they are allocated and returned), else with every parameter (outputs
    written in place, returns None)."""

    def __init__(
        self, artifact: Artifact, out_idx: int | Sequence[int] | None, backend: str
    ) -> None:
        if backend not in BACKENDS:
            raise CompileError(
                "jit", f"unknown backend {backend!r}; available: {', '.join(BACKENDS)}"
            )
        self.artifact = artifact
        self.plan = artifact.plan
        self.out_idx = _out_indices(out_idx, self.plan.buffers)
        self.backend = backend
        self.input_buffers = [b for i, b in enumerate(self.plan.buffers) if i not in self.out_idx]

    def bind(self, inputs: list[Any]) -> list[Any]:
        """Every parameter in order: `inputs` checked against the plan, outputs allocated."""
        import torch

        from compiler.backends.sim import TORCH_DTYPES, allocate

        expected = self.input_buffers
        if len(inputs) != len(expected):
            names = ", ".join(b.name for b in expected)
            raise KernelArgumentError(
                f"{self.plan.name} takes {len(expected)} tensors ({names}); got {len(inputs)}"
            )
        for b, t in zip(expected, inputs, strict=True):
            where = f"{self.plan.name}: tensor {b.name} (parameter {b.param_index})"
            if not isinstance(t, torch.Tensor):
                raise KernelArgumentError(f"{where} must be a torch.Tensor, got {type(t).__name__}")
            if tuple(t.shape) != tuple(b.host_shape):
                raise KernelArgumentError(
                    f"{where} has shape {tuple(t.shape)}, expected {tuple(b.host_shape)}"
                )
            if t.dtype != TORCH_DTYPES[b.dtype]:
                raise KernelArgumentError(
                    f"{where} has dtype {t.dtype}, expected {TORCH_DTYPES[b.dtype]}"
                )
        given = iter(inputs)
        return [
            allocate(b) if i in self.out_idx else next(given)
            for i, b in enumerate(self.plan.buffers)
        ]

    def __call__(self, *inputs):
        from compiler.backends.sim import execute

        args = self.bind(list(inputs))
        execute(self.artifact, args)
        outputs = [args[i] for i in self.out_idx]
        if not outputs:
            return None
        return outputs[0] if len(outputs) == 1 else outputs

    def get_kernel_source(self) -> str:
        """The reader, compute and writer kernels and the plan, each under a `// <file>` header."""
        files = [*self.artifact.sources.items(), ("tt.plan.json", self.plan.to_json())]
        return "\n".join(f"// ---- {name} ----\n{text}" for name, text in files)

    def get_profiler(self, seed: int = 0) -> Profiler:
        return Profiler(self, seed)


class JITBuilder:
    """A decorated builder: calling it with its (compile-time) parameters returns a `Kernel`."""

    def __init__(self, builder: Callable[..., Any], options: dict[str, Any]) -> None:
        self.builder = builder
        self.options = options
        functools.update_wrapper(self, builder)

    def get_tir(self, *args, **kwargs):
        return self.builder(*args, **kwargs)

    def __call__(self, *args, **kwargs) -> Kernel:
        return _kernel(self.get_tir(*args, **kwargs), **self.options)


def _kernel(prim_func, out_idx, target, coarsen: bool, backend: str) -> Kernel:
    from tvm import tirx

    if not isinstance(prim_func, tirx.PrimFunc):
        raise CompileError("jit", f"expected a TileLang PrimFunc, got {type(prim_func).__name__}")
    return Kernel(_load_or_compile(prim_func, get_target(target), coarsen), out_idx, backend)


def jit(
    func=None,
    *,
    out_idx: int | Sequence[int] | None = None,
    target: str | Target | None = None,
    coarsen: bool = True,
    backend: str = "sim",
):
    """`@compiler.jit(out_idx=[-1])` on a builder, or `compiler.jit(prim_func, out_idx=[-1])`
    (TileLang's `tilelang.compile`) for a PrimFunc, which returns the compiled `Kernel` at once.
    `target`: "wormhole_n150" (default) or "blackhole_p150"."""
    import tilelang  # noqa: F401  (makes `tvm` importable)
    from tvm import tirx

    options = {"out_idx": out_idx, "target": target, "coarsen": coarsen, "backend": backend}

    def wrap(f):
        if isinstance(f, tirx.PrimFunc):
            return _kernel(f, **options)
        return JITBuilder(f, options)

    return wrap if func is None else wrap(func)
