"""Every command with hostile arguments: a result or a clean error (`error: ...`, exit 1) or a
usage error (exit 2), never a traceback, an internal error or a hang."""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest
from fuzz_helpers import IDS, OUTCOMES, ids, invoke, numbers, run_property
from hypothesis import strategies as st
from repo_fixture import inside, make_repo

import orchestrator

CLONE = Path(orchestrator.__file__).resolve().parents[1]
EXAMPLE = f"{CLONE}/compiler/examples/elementwise_add.py:elementwise_add"
KERNEL_FILES = {
    "bad.py": "def broken(:\n",
    "raises.py": "raise RuntimeError('at import')\n",
    "exits.py": "import sys\nsys.exit(3)\n",
    "notfunc.py": "VALUE = 3\n",
    "returns.py": "def kernel(M=1):\n    return M\n",
}
KERNELS = [
    EXAMPLE,
    "bad.py:broken",
    "raises.py:x",
    "exits.py:x",
    "notfunc.py:VALUE",
    "returns.py:kernel",
    "missing.py:x",
    "docs/add.md:x",
    "x",
    "",
    ":",
    "plan-less",
    "bad-plan",
]
# `--lease` values beyond any sane lease (1e30, nan, inf) are the claims layer's (issue 13,
# bounded on its branch): add them here once it is merged.
LEASES = ["30", "0.5", "0", "-1", "0.001", "abc", ""]


def opt(name: str, values: st.SearchStrategy[str]) -> st.SearchStrategy[list[str]]:
    return values.map(lambda v: [name, v])


def flag(name: str) -> st.SearchStrategy[list[str]]:
    return st.just([name])


def pick(
    *options: st.SearchStrategy[list[str]], min_size: int = 0, max_size: int = 4
) -> st.SearchStrategy[list[str]]:
    """Some of the options, in any order, flattened."""
    chosen = st.lists(st.one_of(*options), min_size=min_size, max_size=max_size)
    return chosen.map(lambda xs: [w for x in xs for w in x])


def then(*parts: st.SearchStrategy[list[str]]) -> st.SearchStrategy[list[str]]:
    """The parts in this order (required arguments first), flattened."""
    return st.tuples(*parts).map(lambda xs: [w for x in xs for w in x])


positional = ids.map(lambda v: [v])
# Where commands write (--out, --summary, --report): every value either lands in the fuzz
# directory or cannot be written at all, never in a real file (the suite may run as root).
outputs = st.sampled_from(
    [
        "out",
        "out/x.md",
        "",
        ".",
        "docs",
        "status",
        "/dev/null/x",
        "/dev/null/x.md",
        "/dev/zero/x",
        "/proc/tt-ws-fuzz/x",
        "a\x00b",
        "x" * 300,
        "x" * 5000,
    ]
)
agents = st.sampled_from(["fuzz", "", "a" * 300, "../x", "x y", "\x1b[31m", "é"])
leases = st.sampled_from(LEASES)
unknown = st.sampled_from(["--nope", "-x", "extra", "--", "Z=1"]).map(lambda w: [w])
args = st.sampled_from(["M=64", "N=64", "M=abc", "M=0", "M=-32", "Z=1", "=", "M", "M=1e400"])
targets = st.sampled_from(["wormhole_n150", "blackhole_p150", "gpu", ""])

COMMANDS: dict[str, st.SearchStrategy[list[str]]] = {
    "lint": pick(unknown, max_size=1),
    "run": pick(ids.map(lambda v: [v]), opt("--phase", numbers), flag("--all"), flag("--no-cache")),
    "status": pick(flag("--check"), unknown, max_size=2),
    "list": pick(opt("--phase", numbers), unknown, max_size=2),
    "show": then(positional, pick(unknown, max_size=1)),
    "next": pick(
        flag("--dry-run"),
        opt("--agent", agents),
        opt("--lease", leases),
        flag("--worktree"),
        opt("--worktree-dir", st.sampled_from(["/dev/null/x", "/nonexistent/x", ""])),
        unknown,
    ),
    "claim": then(positional, pick(opt("--agent", agents), opt("--lease", leases), unknown)),
    "release": then(positional, pick(opt("--agent", agents), unknown)),
    "heartbeat": pick(ids.map(lambda v: [v]), opt("--agent", agents), opt("--lease", leases)),
    "agents": pick(flag("--all"), unknown, max_size=2),
    # Never --command: a valid one would start agents. Without it, every option is still parsed.
    "dispatch": pick(
        opt("-n", numbers),
        opt("--max-attempts", numbers),
        opt("--stall", numbers),
        opt("--timeout", numbers),
        opt("--poll", numbers),
        opt("--lease", leases),
        opt("--into", ids),
        opt("--prefix", ids),
        flag("--status"),
        opt("--unblock", ids),
        unknown,
    ),
    "history": then(positional, pick(opt("--gate", ids), opt("--limit", numbers), unknown)),
    # --base is required: always given.
    "check": then(
        opt("--base", st.sampled_from(["main", "HEAD", "nope", "", "HEAD~99", "-x", "a..b"])),
        pick(flag("--no-cache"), opt("--summary", outputs), unknown, max_size=2),
    ),
    # --out is required: always given, so that the kernel and its arguments are what is tested.
    "compile": st.one_of(
        then(
            st.sampled_from(KERNELS).map(lambda v: [v]),
            opt("--out", outputs),
            pick(
                opt("--arg", args),
                opt("--target", targets),
                opt("--dump-ir", st.sampled_from(["/dev/null/x", "ir", "a\x00b"])),
            ),
        ),
        # The real kernel with both sizes given: mostly compiles, so the output side is tested.
        then(
            st.just([EXAMPLE]),
            opt("--out", outputs),
            opt("--arg", st.sampled_from(["M=64", "M=96", "M=0", "M=abc"])),
            opt("--arg", st.sampled_from(["N=64", "N=128", "N=-32"])),
            pick(opt("--target", targets), max_size=1),
        ),
    ),
    # A valid kernel would be built and run by the emulator (seconds): sim gets bad ones only.
    "sim": st.tuples(
        st.sampled_from(KERNELS[1:]).map(lambda v: [v]),
        pick(opt("--arg", args), opt("--target", targets), opt("--seed", numbers)),
    ).map(lambda t: t[0] + t[1]),
    # Likewise a benchmark: an unknown example, or a real one with a --report that cannot be
    # written (refused before anything runs).
    "bench": st.one_of(
        pick(st.sampled_from([i for i in IDS if i != "1.1"]).map(lambda v: [v]), min_size=1),
        st.tuples(
            st.sampled_from(["1.1"]),
            st.sampled_from(["/dev/null/x", "/dev/null/x.md", "/proc/tt-ws-fuzz/x", "docs"]),
        ).map(lambda t: [t[0], "--report", t[1]]),
    ),
}
EXAMPLES = {"compile": 10, "sim": 12, "check": 8, "bench": 6, "run": 15, "dispatch": 20}


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_repo(tmp_path_factory.mktemp("fuzz-cli") / "repo")
    for name, text in KERNEL_FILES.items():
        (root.parent / name).write_text(text)
    (root.parent / "plan-less").mkdir()
    (root.parent / "bad-plan").mkdir()
    (root.parent / "bad-plan" / "tt.plan.json").write_text('{"not": "a plan"')
    return root


def check_command(repo: Path, command: str, argv: list[str]) -> None:
    # A real argv cannot hold NUL bytes (C strings): the shell could never pass one.
    argv = [word.replace("\x00", "") for word in argv]
    # Kernels are named relative to the repo's parent, where they are written.
    with inside(repo.parent if command in ("compile", "sim") else repo):
        code, _ = invoke(command, *argv)
    OUTCOMES[f"tt-ws {command}", {0: "accepted", 1: "clean error", 2: "usage error"}[code]] += 1


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_command_ends_cleanly_on_hostile_arguments(repo: Path, command: str) -> None:
    check = partial(check_command, repo, command)
    run_property(COMMANDS[command], check, EXAMPLES.get(command, 12))


@pytest.mark.slow
@pytest.mark.parametrize("sweep_seed", range(1, 6))
@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_command_seed_sweep(repo: Path, command: str, sweep_seed: int) -> None:
    check = partial(check_command, repo, command)
    run_property(COMMANDS[command], check, 5 * EXAMPLES.get(command, 12), sweep_seed)
