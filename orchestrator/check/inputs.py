"""What a gate's result depends on, as a content hash: its *input key*.

A gate of workstream W reads:
- the files W owns and the files owned by everything W depends on, transitively (so the
  compiler's owned code is an input of every example that depends on it);
- the files its command or page names (`pytest tests/x.py`, `page: docs/x.md`);
- the files its tools read without being told: the project's tool configuration
  (`pyproject.toml`, `setup.cfg`, `pytest.ini`, `tox.ini`, a root `conftest.py`), for a tests
  gate every `conftest.py`, `__init__.py` and helper module (a `.py` that is not a test module)
  in each directory above a named path (pytest loads and imports them), for `python -m pkg.mod`
  that module and its packages' `__init__.py`, and for a `tt-ws` command the whole
  `orchestrator/` package (gates run the tree's own tt-ws: orchestrator.gates.process);
- every file no workstream owns, except plain documentation (shared code such as
  `compiler/__init__.py`, `pyproject.toml` or `tests/conftest.py` affects every gate);
- its own definition in the registry (not the rest of the registry files), its dependencies,
  and the version of tt-ws that judges it.

When unsure a file counts as an input: a needless rerun costs time, a missed one would let a
gate lie. The same key decides which gates a change affects (`tt-ws check`) and whether a passing
record can be reused (`tt-ws run`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import itertools
import shlex
import subprocess
from collections.abc import Iterable, Mapping
from pathlib import Path, PurePosixPath

from orchestrator import __version__
from orchestrator.errors import GitError
from orchestrator.layout import REGISTRY_DIR
from orchestrator.registry import GateSpec, Registry, Workstream

# Files that no gate reads unless a workstream owns them or a gate names them: prose, CI and
# editor configuration, and the registry (each gate's own definition is part of its key).
# Everything else that nobody owns is shared code.
_NEUTRAL_DIRS = ("docs/", ".github/", f"{REGISTRY_DIR}/")
_NEUTRAL_SUFFIXES = (".md", ".rst")
_NEUTRAL_NAMES = frozenset({"LICENSE", ".pre-commit-config.yaml", ".gitignore"})
# Read by Python, pip and pytest in every gate, whoever owns them.
_TOOL_CONFIG = frozenset(
    {"pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", "tox.ini", "conftest.py"}
)
# The package a `tt-ws` gate command runs (the tree's own copy, see orchestrator.gates.process).
_TT_WS_PACKAGE = "orchestrator/"


def tree_files(root: Path, tree: str) -> dict[str, str]:
    """Every file of the git tree object `tree` (in the repository at `root`): path -> blob id."""
    done = subprocess.run(
        ["git", "ls-tree", "-r", "-z", "--full-tree", tree],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise GitError(f"`git ls-tree {tree}` failed in {root}: {done.stderr.decode().strip()}")
    files = {}
    for entry in done.stdout.decode("utf-8", "surrogateescape").split("\0"):
        if entry:
            meta, path = entry.split("\t", 1)
            files[path] = meta.split()[2]
    return files


def _is_neutral(path: str) -> bool:
    return (
        path.startswith(_NEUTRAL_DIRS)
        or path.endswith(_NEUTRAL_SUFFIXES)
        or PurePosixPath(path).name in _NEUTRAL_NAMES
    )


def _matcher(pattern: str) -> tuple[str, str]:
    """(kind, text): `glob` patterns use fnmatch; anything else is a file or a directory."""
    if set(pattern) & set("*?["):
        return "glob", pattern
    return "prefix", pattern.rstrip("/")


def _matches(path: str, matcher: tuple[str, str]) -> bool:
    kind, text = matcher
    if kind == "glob":
        return fnmatch.fnmatchcase(path, text)
    return path == text or path.startswith(text + "/") or text in ("", ".")


def _words(gate: GateSpec) -> list[str]:
    if gate.kind == "docs":
        return []
    try:
        return shlex.split(gate.run or "")
    except ValueError:
        return []


def _named_paths(gate: GateSpec) -> list[str]:
    """Paths a gate's command or page names (words that look like paths; unknown ones match
    nothing)."""
    if gate.kind == "docs":
        return [gate.page] if gate.page else []
    named = []
    for word in _words(gate)[1:]:
        value = word.split("=", 1)[1] if word.startswith("-") and "=" in word else word
        if not value.startswith("-") and value:
            named.append(value.split("::", 1)[0])
    return named


def _module_files(words: list[str]) -> list[str]:
    """For `python -m a.b`: the module's possible files and its packages' `__init__.py`."""
    found = []
    for flag, module in itertools.pairwise(words):
        if flag == "-m":
            parts = module.split(".")
            found += [f"{'/'.join(parts[:i])}/__init__.py" for i in range(1, len(parts))]
            stem = "/".join(parts)
            found += [f"{stem}.py", f"{stem}/__init__.py", f"{stem}/__main__.py"]
    return found


def _is_test_module(name: str) -> bool:
    return name.startswith("test_") or name.endswith("_test.py")


class GateInputs:
    """Input keys of every gate of a registry, over the files of one source tree."""

    def __init__(self, registry: Registry, files: Mapping[str, str]) -> None:
        self.registry = registry
        self.files = dict(files)
        self._owned: dict[str, frozenset[str]] = {
            ws.id: self._select(map(_matcher, ws.spec.owns)) for ws in registry.workstreams
        }
        owned_by_someone = frozenset().union(*self._owned.values())
        self.shared = frozenset(
            p for p in self.files if p not in owned_by_someone and not _is_neutral(p)
        )
        self._tool_config = frozenset(p for p in self.files if p in _TOOL_CONFIG)
        self._python_by_dir: dict[str, list[str]] = {}
        for path in self.files:
            if path.endswith(".py"):
                parent = str(PurePosixPath(path).parent)
                self._python_by_dir.setdefault(parent, []).append(path)

    def _select(self, matchers: Iterable[tuple[str, str]]) -> frozenset[str]:
        matchers = list(matchers)
        if not matchers:
            return frozenset()
        return frozenset(p for p in self.files if any(_matches(p, m) for m in matchers))

    def _closure(self, ws: Workstream) -> list[Workstream]:
        """`ws` and everything it depends on, transitively."""
        seen: dict[str, Workstream] = {}
        pending = [ws]
        while pending:
            current = pending.pop()
            if current.id in seen:
                continue
            seen[current.id] = current
            pending += [
                self.registry.by_id[d] for d in current.depends_on if d in self.registry.by_id
            ]
        return list(seen.values())

    def _implied(self, gate: GateSpec, named: list[str]) -> frozenset[str]:
        """Files the gate's tools read that its command does not name (see the module doc)."""
        words = _words(gate)
        implied = set(self._tool_config)
        implied.update(p for p in _module_files(words) if p in self.files)
        if words and words[0] == "tt-ws":
            implied |= self._select([_matcher(_TT_WS_PACKAGE)])
        if gate.kind == "tests":
            above = {str(parent) for path in named for parent in PurePosixPath(path).parents}
            for directory in above:
                implied.update(
                    p
                    for p in self._python_by_dir.get(directory, ())
                    if not _is_test_module(PurePosixPath(p).name)
                )
        return frozenset(implied)

    def paths(self, ws: Workstream, gate: GateSpec) -> frozenset[str]:
        """The files the gate's result depends on."""
        owned = frozenset().union(*(self._owned[w.id] for w in self._closure(ws)))
        named_paths = _named_paths(gate)
        named = self._select(_matcher(p) for p in named_paths)
        return owned | named | self._implied(gate, named_paths) | self.shared

    def key(self, ws: Workstream, gate: GateSpec) -> str:
        """sha256 over tt-ws's version, the gate's definition and its input files' contents."""
        digest = hashlib.sha256()
        digest.update(f"tt-ws {__version__}\0{ws.id}\0".encode())
        digest.update(gate.model_dump_json().encode())
        digest.update(",".join(sorted(ws.depends_on)).encode())
        for path in sorted(self.paths(ws, gate)):
            digest.update(f"\0{path}\0{self.files[path]}".encode("utf-8", "surrogateescape"))
        return digest.hexdigest()

    def keys(self) -> dict[tuple[str, str], str]:
        """(workstream id, gate name) -> input key, for every gate."""
        return {
            (ws.id, gate.name): self.key(ws, gate)
            for ws in self.registry.workstreams
            for gate in ws.gates
        }
