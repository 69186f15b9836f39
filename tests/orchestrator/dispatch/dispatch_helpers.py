"""Helpers for dispatcher tests: a temporary repository whose gates check files the scripted
agents write, the scripted agent itself, and readers of what a run left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from orchestrator.claims.board import Board
from orchestrator.claims.store import ClaimStore

CHECK_SCRIPT = """\
import pathlib, sys
name = sys.argv[1]
path = pathlib.Path("work") / f"{name}.txt"
ok = path.is_file() and path.read_text() == f"{name} done\\n"
print(f"{path}: {'ok' if ok else 'missing or wrong'}")
sys.exit(0 if ok else 1)
"""

# The behaviour of the scripted agent is chosen by the workstream id:
#   lazy*  exits 0 without doing the work; crash* exits 3; stall* is silent on attempt 1;
#   sleep* sleeps; beat* prints nothing but renews its lease for a while, then does the work;
#   anything else writes work/<id>.txt, after checking its dependencies' work is in its tree,
#   and a status page of its own.
AGENT_SCRIPT = """\
import os, pathlib, subprocess, sys, time
ws, attempt = os.environ["TT_WS_ID"], int(os.environ["TT_WS_ATTEMPT"])
journal, deps = sys.argv[1], sys.argv[2:]
with open(journal, "a") as out:
    out.write(f"{ws} {attempt} {os.environ['TT_WS_AGENT']} {os.getpid()}\\n")
print(f"agent on {ws}, attempt {attempt}, in {os.getcwd()}", flush=True)
assert pathlib.Path(os.environ["TT_WS_PROMPT"]).read_text().startswith(f"# Workstream {ws}:")
if ws.startswith("lazy"):
    sys.exit(0)
if ws.startswith("crash"):
    sys.exit(3)
if ws.startswith("sleep") or (ws.startswith("stall") and attempt == 1):
    time.sleep(120)
if ws.startswith("beat"):  # silent, but renews its lease itself for a while
    tt_ws = [sys.executable, "-c", "from orchestrator.cli import main; main()"]
    for _ in range(8):
        subprocess.run([*tt_ws, "heartbeat"], stdout=subprocess.DEVNULL, check=True)
        time.sleep(0.4)
for dep in deps:
    assert pathlib.Path("work", f"{dep}.txt").is_file(), f"work of {dep} missing"
pathlib.Path("work").mkdir(exist_ok=True)
pathlib.Path("work", f"{ws}.txt").write_text(f"{ws} done\\n")
# As CLAUDE.md asks, agents regenerate status/ too: parallel agents' pages conflict on merge.
pathlib.Path("status").mkdir(exist_ok=True)
pathlib.Path("status", "PHASES.md").write_text(f"# status as {ws} saw it\\n")
print("wrote the work", flush=True)
"""


def workstream(ws: str, deps: tuple[str, ...] = ()) -> str:
    return (
        f"  - id: {ws}\n    title: Work {ws}\n    kind: infra\n"
        f"    depends_on: [{', '.join(deps)}]\n    owns: [work/{ws}.txt]\n"
        "    gates:\n"
        f'      - {{name: build, kind: build, run: "python check.py {ws}", '
        "require: [exit_code == 0]}\n"
    )


def registry(entries: dict[str, tuple[str, ...]]) -> str:
    return "phase: {id: 1, title: Dispatch}\nworkstreams:\n" + "".join(
        workstream(ws, deps) for ws, deps in entries.items()
    )


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout.strip()


def make_dispatch_repo(path: Path, entries: dict[str, tuple[str, ...]]) -> Path:
    path.mkdir(parents=True)
    git(path, "init", "-q", "-b", "main")
    git(path, "config", "user.email", "test@example.com")
    git(path, "config", "user.name", "test")
    (path / ".gitignore").write_text(".tt-ws/\n__pycache__/\n")
    (path / "check.py").write_text(CHECK_SCRIPT)
    (path / "CLAUDE.md").write_text("# Rules\n\nWrite the work file.\n")
    (path / "workstreams").mkdir()
    (path / "workstreams" / "dispatch.yaml").write_text(registry(entries))
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "registry")
    return path


def agent_command(tmp: Path, entries: dict[str, tuple[str, ...]]) -> str:
    """The --command template running the scripted agent (deps passed per workstream)."""
    script = tmp / "agent.py"
    script.write_text(AGENT_SCRIPT)
    deps = tmp / "deps.sh"
    cases = "".join(f"  {ws}) set -- {' '.join(d)} ;;\n" for ws, d in entries.items() if d)
    deps.write_text(f'case "$TT_WS_ID" in\n{cases}  *) set -- ;;\nesac\n')
    return f'. {deps}; {sys.executable} {script} {tmp / "journal.txt"} "$@"'


def journal(tmp: Path) -> list[tuple[str, int, str, int]]:
    path = tmp / "journal.txt"
    if not path.is_file():
        return []
    rows = [line.split() for line in path.read_text().splitlines()]
    return [(ws, int(attempt), agent, int(pid)) for ws, attempt, agent, pid in rows]


def starts(tmp: Path) -> Counter[tuple[str, int]]:
    return Counter((ws, attempt) for ws, attempt, _, _ in journal(tmp))


def done_on(root: Path, branch: str, where: Path) -> set[str]:
    """The workstreams done on `branch`, judged in a fresh checkout of it."""
    git(root, "worktree", "add", "-q", "--detach", str(where), branch)
    report = Board.load(where).report
    return {ws for ws, s in report.workstreams.items() if s.state.value == "done"}


def status_check(checkout: Path) -> subprocess.CompletedProcess[str]:
    """`tt-ws status --check` in `checkout`."""
    return subprocess.run(
        [sys.executable, "-c", "from orchestrator.cli import main; main()", "status", "--check"],
        cwd=checkout,
        capture_output=True,
        text=True,
        check=False,
    )


def running_agents(tmp: Path) -> list[int]:
    """The journal's agent processes still running (zombies, awaiting their reaper, are not)."""
    alive = []
    for *_, pid in journal(tmp):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            continue
        if stat.rsplit(")", 1)[1].split()[0] != "Z":
            alive.append(pid)
    return alive


def live_claims(root: Path) -> dict[str, str]:
    store = ClaimStore.open(root)
    return {ws: r.holder for ws, r in store.snapshot().live(store.clock()).items()}


# The clone under test: its code, not an installed tt-ws, runs as the dispatcher and the agents.
CLONE = Path(__file__).resolve().parents[3]


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextlib.contextmanager
def dispatcher(
    root: Path, *args: str, sigint_ignored: bool = False
) -> Iterator[subprocess.Popen[str]]:
    """`tt-ws dispatch ARGS` as its own process in `root` (as from another terminal; with
    `sigint_ignored`, as a non-interactive shell starts a `&` job); interrupted when the test
    leaves early, and killed if that does not stop it, so that no dispatcher outlives the test."""
    process = subprocess.Popen(
        [sys.executable, "-c", "from orchestrator.cli import main; main()", "dispatch", *args],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONPATH": str(CLONE)},
        preexec_fn=_ignore_sigint if sigint_ignored else None,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.communicate(timeout=120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()
