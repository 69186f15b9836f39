"""Compilation and its cache: the runtime library and one shared object per kernel variant.

Both are keyed by a content hash (sources, emulated headers, flags, compile-time args, defines)
and stored under `~/.cache/tt-ws/sim/` (override with TT_WS_SIM_CACHE), so a rerun never
recompiles. Files appear atomically (written to a temporary name, then renamed), so concurrent
processes can share the cache.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
import warnings
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from pathlib import Path

from compiler.sim.errors import KernelCompileError, KernelCompileWarning
from compiler.sim.program import Kernel

PACKAGE_DIR = Path(__file__).resolve().parent
INCLUDE_DIR = PACKAGE_DIR / "include"
RUNTIME_DIR = PACKAGE_DIR / "runtime"
CXX = os.environ.get("CXX", "g++")
RUNTIME_FLAGS = ("-std=c++17", "-O3", "-march=native", "-fPIC", "-shared", "-fno-strict-aliasing")
# Reference and generated kernels compile clean with these warnings on; a warning is shown as a
# KernelCompileWarning rather than hidden.
KERNEL_FLAGS = ("-std=c++17", "-O2", "-fPIC", "-shared", "-fvisibility=hidden", "-Wall", "-Wextra")
FIDELITY_PASSES = {"LoFi": 1, "HiFi2": 2, "HiFi3": 3, "HiFi4": 4}


def cache_dir() -> Path:
    root = Path(os.environ.get("TT_WS_SIM_CACHE", Path.home() / ".cache" / "tt-ws" / "sim"))
    root.mkdir(parents=True, exist_ok=True)
    return root


def _hash_files(paths: Sequence[Path]) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.relative_to(PACKAGE_DIR)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


@cache
def _headers_hash() -> str:
    return _hash_files([p for p in INCLUDE_DIR.rglob("*.h") if p.is_file()])


def _write_atomic(path: Path, text: str) -> None:
    """Write `text` so that a concurrent reader sees the old file or the whole new one."""
    tmp = path.with_suffix(f"{path.suffix}.tmp{os.getpid()}-{threading.get_ident()}")
    tmp.write_text(text)
    os.replace(tmp, path)


def _compile(cmd: list[str], target: Path, what: str) -> None:
    """Run `cmd` (whose output is `{out}`) into a temporary file and move it to `target`."""
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.stem, suffix=".tmp")
    os.close(fd)
    try:
        result = subprocess.run(
            [part.replace("{out}", tmp) for part in cmd], capture_output=True, text=True
        )
        if result.returncode != 0:
            raise KernelCompileError(f"{what} failed to compile:\n{result.stderr.strip()}")
        if result.stderr.strip():
            warnings.warn(f"{what}:\n{result.stderr.strip()}", KernelCompileWarning, stacklevel=2)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@cache
def runtime_library() -> Path:
    """Path of the compiled runtime (libttsim), built once per content hash."""
    sources = sorted(RUNTIME_DIR.glob("*.cpp"))
    key = hashlib.sha256(
        (
            _hash_files([*sources, *RUNTIME_DIR.glob("*.h")])
            + _headers_hash()
            + " ".join(RUNTIME_FLAGS)
        ).encode()
    ).hexdigest()[:20]
    target = cache_dir() / f"libttsim-{key}.so"
    if not target.exists():
        cmd = [CXX, *RUNTIME_FLAGS, f"-I{INCLUDE_DIR}", *map(str, sources), "-o", "{out}", "-ldl"]
        _compile(cmd, target, "the emulator runtime")
    return target


def _kernel_command(kernel: Kernel, source_file: Path) -> list[str]:
    compute = kernel.role == "compute"
    prelude = "ttsim/compute_prelude.h" if compute else "ttsim/dataflow_prelude.h"
    defines = [f"-D{k}={v}" if v != "" else f"-D{k}" for k, v in kernel.defines]
    cta = ",".join(str(a) for a in kernel.compile_args)
    role_defines = (
        [
            "-DTTSIM_COMPUTE",
            f"-DDST_ACCUM_MODE={'true' if kernel.fp32_dest_acc_en else 'false'}",
            f"-DMATH_FIDELITY={FIDELITY_PASSES[kernel.math_fidelity]}",
        ]
        if compute
        else ["-DTTSIM_DATAFLOW"]
    )
    return [
        CXX,
        *KERNEL_FLAGS,
        f"-I{INCLUDE_DIR}",
        "-include",
        prelude,
        f"-DKERNEL_COMPILE_TIME_ARGS={cta}",
        *role_defines,
        *defines,
        "-x",
        "c++",
        str(source_file),
        "-o",
        "{out}",
    ]


def compile_kernel(kernel: Kernel) -> Path:
    """Shared object of `kernel` (source + compile-time args + defines + flags), cached."""
    root = cache_dir()
    # The wrapper includes the kernel so that both entry forms resolve, then exports the entry.
    probe = _kernel_command(kernel, Path("WRAPPER"))
    key = hashlib.sha256("\0".join([kernel.source, _headers_hash(), *probe]).encode()).hexdigest()[
        :24
    ]
    target = root / f"kernel-{key}.so"
    if target.exists():
        return target
    source_file = kernel.source_path
    if source_file is None:
        source_file = root / f"kernel-{key}.cpp"
        _write_atomic(source_file, kernel.source)
    wrapper = root / f"kernel-{key}.wrapper.cpp"
    _write_atomic(wrapper, f'#include "{source_file}"\n#include "ttsim/entry.h"\n')
    _compile(_kernel_command(kernel, wrapper), target, f"kernel {kernel.name} ({kernel.role})")
    return target


def compile_kernels(kernels: Sequence[Kernel], jobs: int = 2) -> list[Path]:
    """Shared objects of `kernels`, compiling the missing ones `jobs` at a time."""
    runtime_library()
    if jobs <= 1 or len(kernels) <= 1:
        return [compile_kernel(k) for k in kernels]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(compile_kernel, kernels))


# Data symbols every shared object has (C runtime start-up files), not kernel state.
_RUNTIME_DATA_SYMBOLS = frozenset(
    {
        "_DYNAMIC",
        "_GLOBAL_OFFSET_TABLE_",
        "__TMC_END__",
        "__dso_handle",
        "__do_global_dtors_aux_fini_array_entry",
        "__frame_dummy_init_array_entry",
        "completed.0",
    }
)


def mutable_globals(shared_object: Path) -> list[str]:
    """Writable data symbols a kernel defines (globals, function statics), cached beside it.
    On device each core has its own copy of them; the emulator then loads one copy per core."""
    sidecar = shared_object.with_suffix(".globals")
    if not sidecar.exists():
        listing = subprocess.run(
            ["nm", "--defined-only", str(shared_object)], capture_output=True, text=True, check=True
        ).stdout
        names = [
            parts[2]
            for parts in (line.split() for line in listing.splitlines())
            if len(parts) == 3 and parts[1] in "bBdD" and parts[2] not in _RUNTIME_DATA_SYMBOLS
        ]
        _write_atomic(sidecar, "\n".join(names))
    return [n for n in sidecar.read_text().split("\n") if n]


def core_copy(shared_object: Path, core_index: int) -> Path:
    """A private copy of `shared_object` for one core (dlopen shares one object per file)."""
    target = shared_object.with_suffix(f".core{core_index}.so")
    if not target.exists():
        tmp = target.with_suffix(f".tmp{os.getpid()}-{threading.get_ident()}")
        shutil.copyfile(shared_object, tmp)
        os.replace(tmp, target)
    return target
