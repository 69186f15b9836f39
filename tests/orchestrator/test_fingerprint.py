"""The environment fingerprint: equal for identical environments, different when anything that
changes a gate's result differs, and cheap (the compiler is asked its version once per binary)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from orchestrator import fingerprint
from orchestrator.fingerprint import Environment, environment

FILES = {"compiler/sim/runtime/core.cpp": "blob-a", "compiler/sim/include/api.h": "blob-b"}


def fake_compiler(directory: Path, version: str) -> Path:
    path = directory / "fakecc"
    path.write_text(f"#!/bin/sh\necho '{version}'\n")
    path.chmod(0o755)
    return path


def env_of(root: Path, **variables: str) -> Environment:
    return environment(root, FILES, {"CXX": "/bin/true", **variables})


def test_identical_environments_have_the_same_id(tmp_path: Path) -> None:
    assert env_of(tmp_path).id == env_of(tmp_path).id
    assert len(env_of(tmp_path).id) == 12


@pytest.mark.parametrize(
    "variables",
    [
        {"CXX": "/bin/false"},
        {"PYTHONPATH": "/tmp/shadow"},
        {"TT_WS_SIM_CACHE": "/tmp/empty"},
        {"CXXFLAGS": "-O0"},
    ],
)
def test_a_variable_that_changes_results_changes_the_id(
    tmp_path: Path, variables: dict[str, str]
) -> None:
    assert env_of(tmp_path, **variables).id != env_of(tmp_path).id


def test_names_and_secrets_are_not_part_of_it(tmp_path: Path) -> None:
    noisy = env_of(tmp_path, TT_WS_AGENT="alice", TT_WS_CLAIM_SECRET="s3cret", HOME="/x")
    assert noisy.id == env_of(tmp_path).id
    assert "s3cret" not in noisy.model_dump_json()


def test_the_emulator_runtime_is_hashed_from_the_tree(tmp_path: Path) -> None:
    base = environment(tmp_path, FILES, {})
    edited = environment(tmp_path, {**FILES, "compiler/sim/runtime/core.cpp": "blob-c"}, {})
    elsewhere = environment(tmp_path, {**FILES, "compiler/passes/x.py": "blob-d"}, {})
    assert base.runtime != edited.runtime and base.runtime == elsewhere.runtime
    assert environment(tmp_path, {}, {}).runtime == "none"


def test_packages_are_the_trees_declared_dependencies_and_pytest(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["numpy>=1.26", "pydantic [email]>=2"]\n'
    )
    packages = environment(tmp_path, {}, {}).packages
    assert sorted(packages) == ["numpy", "pydantic", "pytest"]
    assert packages["numpy"].split()[0] == __import__("numpy").__version__
    # Where it imports from: a shadow copy on PYTHONPATH would show another directory.
    assert packages["numpy"].endswith(str(Path(__import__("numpy").__file__).parent))


def test_the_compiler_is_asked_once_per_binary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    compiler = fake_compiler(tmp_path, "fakecc 1.0")
    first = environment(tmp_path, {}, {"CXX": str(compiler)}).compiler
    assert (first.command, first.path, first.version) == (
        str(compiler),
        str(compiler),
        "fakecc 1.0",
    )

    def no_subprocess(*args: object, **kwargs: object) -> None:
        raise AssertionError("the compiler was asked again")

    monkeypatch.setattr(subprocess, "run", no_subprocess)
    assert environment(tmp_path, {}, {"CXX": str(compiler)}).compiler == first
    monkeypatch.undo()
    fake_compiler(tmp_path, "fakecc 2.0 (upgraded)")
    os.utime(compiler, ns=(1, 1))  # another binary: a new mtime (and size)
    assert environment(tmp_path, {}, {"CXX": str(compiler)}).compiler.version == (
        "fakecc 2.0 (upgraded)"
    )


def test_a_broken_or_missing_compiler_is_part_of_the_fingerprint(tmp_path: Path) -> None:
    broken = environment(tmp_path, {}, {"CXX": "/bin/false"}).compiler
    assert broken.version.startswith("unusable: `") and "exited 1" in broken.version
    missing = environment(tmp_path, {}, {"CXX": "no-such-compiler-here"}).compiler
    assert (missing.path, missing.version) == (None, "not found")
    assert environment(tmp_path, {}, {}).compiler.command == fingerprint.DEFAULT_CXX


def test_differences_name_what_changed(tmp_path: Path) -> None:
    before = env_of(tmp_path)
    after = env_of(tmp_path, PYTHONPATH="/tmp/shadow")
    assert after.differences(before) == ["PYTHONPATH: unset -> /tmp/shadow"]
    assert after.differences(after) == []
