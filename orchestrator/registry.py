"""The workstream registry: the YAML schema (pydantic), its loader with file:line errors, and the
structural rules (unique ids, known dependencies, no cycles) every consumer relies on.

One file per phase under `workstreams/`:

    phase: {id: 1, title: Foundations}
    workstreams:
      - id: "1.1"
        title: Elementwise add
        kind: example
        depends_on: [infra.compiler]
        owns: [compiler/examples/elementwise_add.py]
        gates:
          - {name: tests, kind: tests, run: pytest tests/x.py, require: [failed == 0, passed >= 8]}
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from orchestrator.errors import Problem, RegistryError, TtWsError
from orchestrator.validate import (
    MAX_REGISTRY_BYTES,
    GateName,
    RepoPath,
    Text,
    Threshold,
    TimeoutSeconds,
    UnsafeInput,
    WorkstreamId,
    read_bounded,
)

GateKind = Literal["build", "tests", "checks", "docs", "perf"]
Operator = Literal["==", "!=", ">=", "<=", ">", "<"]

_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_CONDITION = re.compile(r"\s*([a-z_][a-z0-9_]*)\s*(==|!=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*")


_PRIORITY_BOUND = 1_000_000


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


class Condition(_Model):
    """`metric operator threshold`, written in YAML as one string such as `passed >= 8`."""

    metric: str
    op: Operator
    threshold: Threshold

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        match = _CONDITION.fullmatch(value)
        if match is None:
            raise ValueError(
                f"condition {value!r} is not `metric OPERATOR number` "
                "(operators: == != >= <= > <), e.g. `failed == 0`"
            )
        metric, op, threshold = match.groups()
        return {"metric": metric, "op": op, "threshold": float(threshold)}

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {format_number(self.threshold)}"

    def failure(self, metrics: Mapping[str, float]) -> str | None:
        """Why these metrics break the condition, or None when it holds."""
        value = metrics.get(self.metric)
        if value is None:
            return f"{self}: metric {self.metric!r} was not reported"
        if _OPERATORS[self.op](value, self.threshold):
            return None
        return f"{self}: got {format_number(value)}"


class GateSpec(_Model):
    """One quality gate: what to run (or, for docs, which page to read) and what must hold."""

    name: GateName
    kind: GateKind
    run: Text | None = None
    page: RepoPath | None = None
    headings: tuple[Text, ...] = ()
    require: tuple[Condition, ...] = ()
    timeout_s: TimeoutSeconds = Field(default=1800.0, gt=0)

    def failures(self, metrics: Mapping[str, float]) -> list[str]:
        """The conditions these metrics break, each with the value seen."""
        return [f for f in (c.failure(metrics) for c in self.require) if f is not None]

    def describe(self) -> str:
        """What the gate runs, for tables and evidence records."""
        return f"docs {self.page}" if self.kind == "docs" else (self.run or "")


class WorkstreamSpec(_Model):
    """One entry of a registry file."""

    id: WorkstreamId
    title: Text = Field(min_length=1)
    kind: Literal["example", "infra"]
    depends_on: tuple[WorkstreamId, ...] = ()
    owns: tuple[RepoPath, ...] = ()
    priority: int = Field(default=0, ge=-_PRIORITY_BOUND, le=_PRIORITY_BOUND)
    gates: tuple[GateSpec, ...] = ()


class PhaseSpec(_Model):
    id: int = Field(ge=0, le=_PRIORITY_BOUND)
    title: Text = Field(min_length=1)


class RegistryFile(_Model):
    phase: PhaseSpec
    workstreams: tuple[WorkstreamSpec, ...] = ()


@dataclass(frozen=True)
class Location:
    file: Path
    line: int


@dataclass(frozen=True)
class Workstream:
    """A validated entry together with its phase and where it is written."""

    spec: WorkstreamSpec
    phase: int
    where: Location
    gate_lines: tuple[int, ...]

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def gates(self) -> tuple[GateSpec, ...]:
        return self.spec.gates

    @property
    def depends_on(self) -> tuple[str, ...]:
        return self.spec.depends_on

    def gate(self, name: str) -> GateSpec:
        for gate in self.gates:
            if gate.name == name:
                return gate
        known = ", ".join(g.name for g in self.gates)
        raise TtWsError(f"workstream {self.id!r} has no gate {name!r} (gates: {known})")


@dataclass(frozen=True)
class Phase:
    spec: PhaseSpec
    where: Location

    @property
    def id(self) -> int:
        return self.spec.id

    @property
    def title(self) -> str:
        return self.spec.title


def id_key(workstream_id: str) -> tuple[tuple[int, int | str], ...]:
    """Sort key that orders `1.2` before `1.10` and numbers before names."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in workstream_id.split("."))


@dataclass(frozen=True)
class Registry:
    """All phases and workstreams, in file order (duplicates kept so that lint can report them)."""

    phases: tuple[Phase, ...]
    workstreams: tuple[Workstream, ...]

    @cached_property
    def by_id(self) -> dict[str, Workstream]:
        return {ws.id: ws for ws in self.workstreams}

    def get(self, workstream_id: str) -> Workstream:
        try:
            return self.by_id[workstream_id]
        except KeyError:
            raise TtWsError(
                f"unknown workstream {workstream_id!r}; `tt-ws list` shows the known ids"
            ) from None

    def sorted(self) -> list[Workstream]:
        """Phases 1.. first, infrastructure (phase 0) last; by id inside a phase."""
        return sorted(self.workstreams, key=lambda ws: (ws.phase == 0, ws.phase, id_key(ws.id)))

    def in_phases(self, phases: Iterable[int]) -> list[Workstream]:
        wanted = set(phases)
        unknown = wanted - {p.id for p in self.phases}
        if unknown:
            raise TtWsError(f"unknown phase(s): {', '.join(map(str, sorted(unknown)))}")
        return [ws for ws in self.sorted() if ws.phase in wanted]

    def dependents(self, workstream_id: str) -> list[Workstream]:
        return [ws for ws in self.sorted() if workstream_id in ws.depends_on]

    def in_dependency_order(self, selection: Iterable[Workstream]) -> list[Workstream]:
        """`selection` ordered so that every workstream comes after the ones it depends on."""
        chosen = {ws.id for ws in selection}
        ordered: list[Workstream] = []
        seen: set[str] = set()

        def visit(ws: Workstream) -> None:
            if ws.id in seen:
                return
            seen.add(ws.id)
            for dep in sorted(ws.depends_on, key=id_key):
                if dep in chosen:
                    visit(self.by_id[dep])
            ordered.append(ws)

        for ws in self.sorted():
            if ws.id in chosen:
                visit(ws)
        return ordered


# --- loading -------------------------------------------------------------------------------------

Lines = dict[tuple[Any, ...], int]

# libyaml's parser when present: the pure-Python one is most of `tt-ws list`'s start-up.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# One constructor for scalars (it resolves YAML tags: int, bool, str ...); its cache is per file.
_SCALARS = yaml.SafeLoader("")
# A registry file nests about six levels and holds a few thousand values. Far beyond that is an
# attack or an accident: deep nesting overflows the C composer's stack, and aliases of aliases
# ("billion laughs") expand exponentially, so both are refused before they are built.
MAX_NESTING = 32
MAX_VALUES = 100_000


def _nesting_problem(text: str, path: Path) -> Problem | None:
    """A problem when collections nest deeper than MAX_NESTING (checked on the event stream,
    which the parser produces without recursion)."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_NESTING:
                return Problem(
                    path,
                    event.start_mark.line + 1,
                    f"collections nest more than {MAX_NESTING} levels deep; a registry "
                    "entry needs about six — flatten the file",
                )
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1
    return None


class _Budget:
    """How many more values the file may expand to (aliases count each time they are used)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = MAX_VALUES
        self.line = 1  # of the value being built, for errors raised while building it

    def spend(self, node: yaml.Node, depth: int) -> None:
        self.left -= 1
        self.line = node.start_mark.line + 1
        if self.left < 0 or depth > MAX_NESTING:
            raise RegistryError(
                [
                    Problem(
                        self.path,
                        node.start_mark.line + 1,
                        f"the YAML expands to more than {MAX_VALUES} values or nests deeper "
                        f"than {MAX_NESTING} levels through aliases (`*name`); write the "
                        "entries out instead of nesting aliases",
                    )
                ]
            )


def _to_python(
    node: yaml.Node, loc: tuple[Any, ...], lines: Lines, path: Path, budget: _Budget
) -> Any:
    """Build plain data from a YAML node, recording the line of every key and item."""
    budget.spend(node, len(loc))
    lines.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _to_python(key_node, (*loc, "<key>"), {}, path, budget)
            line = key_node.start_mark.line + 1
            if not isinstance(key, (str, int, float, bool)):
                raise RegistryError([Problem(path, line, "a key must be a plain word or number")])
            if key in result:
                raise RegistryError([Problem(path, line, f"duplicate key {key!r}")])
            lines[(*loc, key)] = line
            result[key] = _to_python(value_node, (*loc, key), lines, path, budget)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*loc, i), lines, path, budget) for i, item in enumerate(node.value)
        ]
    return _SCALARS.construct_object(node)


def _line_of(loc: tuple[Any, ...], lines: Lines) -> int | None:
    for end in range(len(loc), -1, -1):
        if loc[:end] in lines:
            return lines[loc[:end]]
    return None


def _describe_loc(loc: tuple[Any, ...], data: Any) -> str:
    """`workstream '1.1' gates[2].kind` rather than `workstreams.0.gates.2.kind`."""
    parts: list[str] = []
    rest = loc
    if len(loc) >= 2 and loc[0] == "workstreams" and isinstance(loc[1], int):
        entries = data.get("workstreams") if isinstance(data, dict) else None
        entry = entries[loc[1]] if isinstance(entries, list) and loc[1] < len(entries) else None
        ident = entry.get("id") if isinstance(entry, dict) else None
        parts.append(f"workstream {ident!r}" if ident else f"workstreams[{loc[1]}]")
        rest = loc[2:]
    field = ""
    for item in rest:
        field += f"[{item}]" if isinstance(item, int) else (f".{item}" if field else str(item))
    if field:
        parts.append(field)
    return " ".join(parts) or "file"


def _schema_problems(path: Path, error: ValidationError, data: Any, lines: Lines) -> list[Problem]:
    problems = []
    for item in error.errors():
        loc = tuple(item["loc"])
        if item["type"] == "extra_forbidden":
            message = f"{_describe_loc(loc[:-1], data)}: unknown key {loc[-1]!r}"
        else:
            message = f"{_describe_loc(loc, data)}: {item['msg'].removeprefix('Value error, ')}"
        problems.append(Problem(path, _line_of(loc, lines), message))
    return problems


def parse_file(path: Path) -> tuple[RegistryFile, Lines]:
    """Read and validate one registry file; raises RegistryError naming file, line and field."""
    try:
        text = read_bounded(path, MAX_REGISTRY_BYTES).decode("utf-8")
    except OSError as exc:
        raise RegistryError([Problem(path, None, f"cannot read: {exc.strerror}")]) from None
    except UnsafeInput as exc:
        raise RegistryError([Problem(path, None, f"refused: {exc}")]) from None
    except UnicodeDecodeError as exc:
        raise RegistryError([Problem(path, None, f"not UTF-8 text: {exc.reason}")]) from None
    try:
        deep = _nesting_problem(text, path)
        if deep:
            raise RegistryError([deep])
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        # The parser may point just past the last line (an unterminated last entry).
        line = min(mark.line + 1, text.count("\n") + 1) if mark else None
        raise RegistryError([Problem(path, line, f"malformed YAML: {exc.problem}")]) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise RegistryError(
            [
                Problem(
                    path,
                    line,
                    f"malformed YAML: character {exc.character!r} is not allowed in YAML; "
                    "remove it (control characters and NUL bytes are refused)",
                )
            ]
        ) from None
    if node is None:
        raise RegistryError([Problem(path, None, "empty registry file")])
    lines: Lines = {}
    budget = _Budget(path)
    try:
        data = _to_python(node, (), lines, path, budget)
    except yaml.constructor.ConstructorError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise RegistryError([Problem(path, line, f"malformed YAML: {exc.problem}")]) from None
    except (ValueError, OverflowError) as exc:  # e.g. a date like 2024-13-45
        raise RegistryError(
            [Problem(path, budget.line, f"malformed value: {exc}; quote it to keep it text")]
        ) from None
    finally:
        _SCALARS.constructed_objects.clear()
    try:
        return RegistryFile.model_validate(data), lines
    except ValidationError as exc:
        raise RegistryError(_schema_problems(path, exc, data, lines)) from None


def registry_files(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def read_registry(directory: Path) -> tuple[Registry, list[Problem]]:
    """Every file that parses, and every problem found (parse, schema and structural)."""
    problems: list[Problem] = []
    phases: list[Phase] = []
    workstreams: list[Workstream] = []
    files = registry_files(directory)
    if not files:
        problems.append(Problem(directory, None, "no registry files (*.yaml) found"))
    for path in files:
        try:
            parsed, lines = parse_file(path)
        except RegistryError as exc:
            problems.extend(exc.problems)
            continue
        phases.append(Phase(parsed.phase, Location(path, lines[("phase",)])))
        for i, spec in enumerate(parsed.workstreams):
            gate_lines = tuple(
                lines[("workstreams", i, "gates", j)] for j in range(len(spec.gates))
            )
            where = Location(path, lines[("workstreams", i)])
            workstreams.append(Workstream(spec, parsed.phase.id, where, gate_lines))
    registry = Registry(tuple(phases), tuple(workstreams))
    if problems:
        # Entries of a file that did not load would show up as bogus unknown dependencies.
        return registry, problems
    return registry, structural_problems(registry)


def load_registry(directory: Path) -> Registry:
    """The registry, or RegistryError listing every problem when it is not sound."""
    registry, problems = read_registry(directory)
    if problems:
        raise RegistryError(problems)
    return registry


# --- structural rules ----------------------------------------------------------------------------


def _first_seen_problems(items: Iterable[tuple[Any, Location]], what: str) -> Iterable[Problem]:
    first: dict[Any, Location] = {}
    for key, where in items:
        if key in first:
            earlier = first[key]
            yield Problem(
                where.file,
                where.line,
                f"duplicate {what} {key!r} (first defined at {earlier.file.name}:{earlier.line})",
            )
        else:
            first[key] = where


def find_cycle(graph: Mapping[str, Iterable[str]]) -> list[str] | None:
    """One dependency cycle as `[a, b, ..., a]`, or None; edges to unknown nodes are ignored."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph[node], key=id_key):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                return [*path[path.index(dep) :], dep]
            if dep not in state and (cycle := visit(dep)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph, key=id_key):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def structural_problems(registry: Registry) -> list[Problem]:
    problems = list(_first_seen_problems(((p.id, p.where) for p in registry.phases), "phase"))
    problems += _first_seen_problems(((ws.id, ws.where) for ws in registry.workstreams), "id")
    for ws in registry.workstreams:
        problems += _first_seen_problems(
            (
                (gate.name, Location(ws.where.file, line))
                for gate, line in zip(ws.gates, ws.gate_lines, strict=True)
            ),
            f"gate name in workstream {ws.id!r}:",
        )
        for dep in ws.depends_on:
            if dep not in registry.by_id:
                problems.append(
                    Problem(
                        ws.where.file,
                        ws.where.line,
                        f"workstream {ws.id!r} depends on unknown workstream {dep!r}",
                    )
                )
    cycle = find_cycle({ws.id: ws.depends_on for ws in registry.by_id.values()})
    if cycle:
        where = registry.by_id[cycle[0]].where
        problems.append(Problem(where.file, where.line, f"dependency cycle: {' -> '.join(cycle)}"))
    return problems
