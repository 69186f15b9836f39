"""Any registry file: lint reports each problem with the file (and line), never crashes or
hangs; and what lint accepts, every command that reads the registry can handle."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml
from fuzz_helpers import (
    OUTCOMES,
    REGISTRY,
    Timer,
    ids,
    invoke,
    numbers,
    paths,
    property_tests,
    texts,
    words,
)
from hypothesis import strategies as st
from repo_fixture import REGISTRY_FILE, inside, make_repo

from orchestrator.lint import lint

# Problems about the file as a whole: they have no line to name.
FILE_LEVEL = ("cannot read", "refused", "not UTF-8", "empty registry file")

BOMBS = [
    # "billion laughs": nine levels of ten aliases each
    "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    + "".join(
        f"{c}: &{c} [{', '.join(['*' + p] * 10)}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "phase: {id: 1, title: *i}\n",
    "[" * 100_000,
    "a: &a [*a]\nphase: *a\n",
    "phase: !!python/object/apply:os.system ['echo owned']\n",
    "\ufeffphase: {id: 1, title: x}\n",
    "phase: {id: 1, title: x}\n" + "# padding\n" * 200_000,
    "phase: {id: 1, title: 2024-13-45}\n",
    "phase: {id: 1, title: x}\nworkstreams:\n\t- id: 1\n",
    "%YAML 9.9\n---\nphase: 1\n",
    "phase: {id: 1, title: x}\n---\nphase: {id: 2, title: y}\n",
]
CONDITIONS = st.sampled_from(
    ["failed == 0", "passed >= " + "9" * 400, "x == -0", "exit_code == 0.5", "a ~ 1", "== 0"]
)
JUNK = st.sampled_from(
    ["\x00", "\t", ":", "- ", "[", "{", "&a ", "*a ", "!!binary ", "\ufeff", '"']
)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(data, dict):
        return [path] + [p for k, v in data.items() for p in _leaves(v, (*path, k))]
    if isinstance(data, list):
        return [path] + [p for i, v in enumerate(data) for p in _leaves(v, (*path, i))]
    return [path]


def _replace(data: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    data[path[0]] = _replace(data[path[0]], path[1:], value)
    return data


values = st.one_of(
    ids,
    numbers,
    paths,
    texts,
    CONDITIONS,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.lists(words, max_size=3),
    st.dictionaries(st.sampled_from(["id", "name", "x", "run"]), words, max_size=2),
)


@st.composite
def mutated_registry(draw: st.DrawFn) -> bytes:
    """REGISTRY with a few values replaced by hostile ones, dumped as valid YAML."""
    data = copy.deepcopy(REGISTRY)
    for _ in range(draw(st.integers(1, 3))):
        path = draw(st.sampled_from(_leaves(data)))
        data = _replace(data, path, draw(values))
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode()


@st.composite
def damaged_text(draw: st.DrawFn) -> bytes:
    """REGISTRY's YAML with junk inserted or a slice cut out: mostly malformed YAML."""
    text = yaml.safe_dump(REGISTRY, sort_keys=False)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        if draw(st.booleans()):
            text = text[:at] + draw(st.one_of(JUNK, texts)) + text[at:]
        else:
            text = text[:at] + text[at + draw(st.integers(0, 40)) :]
    return text.encode("utf-8", "surrogatepass")


registry_inputs = st.one_of(
    mutated_registry(),
    damaged_text(),
    st.sampled_from(BOMBS).map(str.encode),
    st.binary(max_size=200),
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("fuzz-registry") / "repo")


def check_registry(repo: Path, content: bytes) -> None:
    path = repo / REGISTRY_FILE
    path.write_bytes(content)
    with inside(repo), Timer():
        _, problems = lint(path.parent)
    lines = content.count(b"\n") + 1
    for problem in problems:
        assert problem.file == path, problem
        if problem.line is None:
            assert problem.message.startswith(FILE_LEVEL), problem
        else:
            assert 1 <= problem.line <= lines, (problem, lines)
    if problems:
        OUTCOMES["registry loader (lint)", "clean error"] += 1
        return
    OUTCOMES["registry loader (lint)", "accepted"] += 1
    # Accepted by lint: nothing that reads the registry may fail on it later.
    with inside(repo):
        for command in (["list"], ["status"], ["next", "--dry-run"], ["show", "1.1"]):
            code, out = invoke(*command)
            assert code in (0, 1), (command, out)


test_any_registry_file_is_linted_with_file_and_line, test_registry_seed_sweep = property_tests(
    registry_inputs, check_registry, examples=100, sweep_examples=400
)
