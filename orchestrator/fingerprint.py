"""The environment fingerprint: what, besides the source tree, decides a gate's result.

Every evidence record carries the `Environment` that produced it: the Python version, the versions
(and import locations) of the project's runtime dependencies, the C++ compiler the emulator build
uses (`$CXX`, default `g++`, as `compiler/sim/build.py` chooses it) with its `--version`, the
content hash of the emulator runtime in the tree, the platform and an allow-list of environment
variables that change results. The cache reuses a record only under the same fingerprint
(`Environment.id`), so a new machine, a broken compiler or a shadowed package reruns the gates.

The fingerprint is cheap (a few milliseconds): `c++ --version` is the only expensive part and is
remembered in `.tt-ws/compilers.json`, keyed by the compiler binary's path, mtime and size.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError

from orchestrator.atomic import write_atomic
from orchestrator.layout import RUNS_ROOT

# The emulator runtime and the headers kernels compile against: their content is part of every
# record's environment (the emulator build compiles them with the compiler below).
EMULATOR_DIRS = ("compiler/sim/runtime/", "compiler/sim/include/")
# Used when the tree has no pyproject.toml to name its dependencies; pytest runs every tests gate.
DEFAULT_PACKAGES = ("numpy", "pydantic", "tilelang", "torch")
ALWAYS_PACKAGES = ("pytest",)
# Variables that change what a gate computes: the compiler and its flags, where Python imports
# from, the loader, threading of numeric libraries. `TT_WS_*` too, except the ones that only name
# the agent or configure the orchestrator, and anything that looks like a secret (the values are
# written into committed evidence).
VARIABLES = frozenset(
    {
        "CC",
        "CXX",
        "CFLAGS",
        "CXXFLAGS",
        "CPPFLAGS",
        "LDFLAGS",
        "LD_LIBRARY_PATH",
        "LD_PRELOAD",
        "PYTHONPATH",
        "PYTHONHOME",
        "PYTHONSAFEPATH",
        "OMP_NUM_THREADS",
    }
)
_TT_WS_NOT_RESULTS = frozenset(
    {
        "TT_WS_AGENT",
        "TT_WS_CLAIMS_REMOTE",
        "TT_WS_DEBUG",
        "TT_WS_ID",
        "TT_WS_ATTEMPT",
        "TT_WS_PROMPT",
    }
)
_SECRET = re.compile(r"SECRET|TOKEN|KEY|PASSWORD|CREDENTIAL", re.IGNORECASE)
DEFAULT_CXX = "g++"  # compiler/sim/build.py: os.environ.get("CXX", "g++")
_COMPILER_CACHE = "compilers.json"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Compiler(_Model):
    """The C++ compiler as the emulator build would call it."""

    command: str  # as configured ($CXX or the default)
    path: str | None  # the resolved binary (None: not found)
    version: str  # first line of `--version`, or why there is none


class Environment(_Model):
    """Where a gate ran, as far as it can change the result."""

    python: str
    platform: str
    cpu: str
    packages: dict[str, str]
    compiler: Compiler
    runtime: str
    variables: dict[str, str]

    @cached_property
    def id(self) -> str:
        """A short id: equal for identical environments, different when anything above differs."""
        text = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()[:12]

    def describe(self) -> str:
        """The parts that usually tell machines apart, for people: Python, torch, C++ compiler."""
        torch = self.packages.get("torch", "").split(" ", 1)[0]
        parts = [f"python {self.python.split()[-1]}"]
        if torch:
            parts.append(f"torch {torch}")
        version = self.compiler.version
        usable = self.compiler.path is not None and not version.startswith("unusable")
        parts.append(f"{self.compiler.command} {version.split()[-1] if usable else version}")
        return ", ".join(parts)

    def differences(self, other: Environment) -> list[str]:
        """What differs from `other`, one phrase per part (`torch: 2.4.0 -> 2.13.0`)."""
        out = []
        mine, theirs = self.model_dump(), other.model_dump()
        for name in ("python", "platform", "cpu", "runtime", "compiler"):
            if mine[name] != theirs[name]:
                out.append(f"{name}: {_short(theirs[name])} -> {_short(mine[name])}")
        for group in ("packages", "variables"):
            for key in sorted(mine[group].keys() | theirs[group].keys()):
                before, after = theirs[group].get(key, "unset"), mine[group].get(key, "unset")
                if before != after:
                    out.append(f"{key}: {before} -> {after}")
        return out


def _short(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(str(v) for v in value.values() if v is not None)
    text = str(value)
    return text[:12] if re.fullmatch(r"[0-9a-f]{64}", text) else text


class _Probe(_Model):
    mtime_ns: int
    size: int
    version: str


_PROBES = TypeAdapter(dict[str, _Probe])


def _dependencies(root: Path) -> list[str]:
    """Distribution names of the tree's `[project] dependencies` (DEFAULT_PACKAGES without one)."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: the defaults stand in
        return [*DEFAULT_PACKAGES, *ALWAYS_PACKAGES]
    try:
        data = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        declared = data["project"]["dependencies"]
    except (OSError, KeyError, TypeError, tomllib.TOMLDecodeError):
        declared = DEFAULT_PACKAGES
    names = {re.split(r"[\s<>=!~;\[(]", str(d).strip(), maxsplit=1)[0].lower() for d in declared}
    return sorted(n for n in names | set(ALWAYS_PACKAGES) if n)


def _package(name: str) -> str:
    """`version` and, when it imports under its own name, where from (a shadow copy differs)."""
    try:
        version = importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        version = "not installed"
    try:
        spec = importlib.util.find_spec(name.replace("-", "_"))
    except (ImportError, ValueError):
        spec = None
    origin = spec.origin if spec is not None else None
    if origin is None and spec is not None and spec.submodule_search_locations:
        origin = next(iter(spec.submodule_search_locations), None)
    return f"{version} {Path(origin).parent}" if origin else version


def _platform() -> str:
    libc = ""
    with contextlib.suppress(AttributeError, ValueError, OSError):
        libc = os.confstr("CS_GNU_LIBC_VERSION") or ""
    return " ".join(p for p in (platform.system(), platform.machine(), libc) if p)


def _cpu() -> str:
    # The emulator runtime is built with -march=native: the CPU model can change its numerics.
    with contextlib.suppress(OSError):
        for line in (
            Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines()
        ):
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _variables(environ: Mapping[str, str]) -> dict[str, str]:
    return {
        name: value
        for name, value in sorted(environ.items())
        if name in VARIABLES
        or (
            name.startswith("TT_WS_")
            and name not in _TT_WS_NOT_RESULTS
            and not _SECRET.search(name)
        )
    }


def _version_line(path: str) -> str:
    try:
        done = subprocess.run(
            [path, "--version"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unusable: `{path} --version` failed: {exc}"
    first = next((line.strip() for line in done.stdout.splitlines() if line.strip()), "")
    if done.returncode != 0 or not first:
        return (
            f"unusable: `{path} --version` exited {done.returncode} printing {first or 'nothing'}"
        )
    return first


def _compiler(command: str, cache_file: Path) -> Compiler:
    """The compiler `command` names; `--version` is remembered per binary path, mtime and size."""
    found = shutil.which(command)
    if found is None:
        return Compiler(command=command, path=None, version="not found")
    path = os.path.realpath(found)
    stat = os.stat(path)
    try:
        probes = _PROBES.validate_json(cache_file.read_bytes())
    except (OSError, ValidationError):
        probes = {}
    probe = probes.get(path)
    if probe is None or (probe.mtime_ns, probe.size) != (stat.st_mtime_ns, stat.st_size):
        probe = _Probe(mtime_ns=stat.st_mtime_ns, size=stat.st_size, version=_version_line(path))
        probes = {**probes, path: probe}
        with contextlib.suppress(OSError):  # a read-only checkout still gets its fingerprint
            write_atomic(cache_file, _PROBES.dump_json(probes, indent=2).decode() + "\n")
    return Compiler(command=command, path=path, version=probe.version)


def _runtime_hash(files: Mapping[str, str]) -> str:
    digest = hashlib.sha256()
    chosen = sorted(p for p in files if p.startswith(EMULATOR_DIRS))
    for path in chosen:
        digest.update(f"{path}\0{files[path]}\0".encode("utf-8", "surrogateescape"))
    return digest.hexdigest() if chosen else "none"


def environment(
    root: Path, files: Mapping[str, str], environ: Mapping[str, str] | None = None
) -> Environment:
    """The environment gates of the repository at `root` run in now; `files`: the source tree's
    files (path -> blob id, see orchestrator.check.inputs.tree_files)."""
    env = os.environ if environ is None else environ
    implementation = platform.python_implementation()
    return Environment(
        python=f"{implementation} {platform.python_version()}",
        platform=_platform(),
        cpu=_cpu(),
        packages={name: _package(name) for name in _dependencies(root)},
        compiler=_compiler(env.get("CXX") or DEFAULT_CXX, root / RUNS_ROOT / _COMPILER_CACHE),
        runtime=_runtime_hash(files),
        variables=_variables(env),
    )
