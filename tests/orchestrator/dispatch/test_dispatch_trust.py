"""The dispatcher trusts only its own gate runs: fake agents that cheat instead of working.

- `cheat` runs its gate, which fails, rewrites the record to say PASS and exits 0;
- `weaken` rewrites its own gate to `python -c pass` and exits 0;
- `tamper` does its work but deletes the FAIL record already on the integration branch;
- `keys` does its work but adds a runners file trusting a key of its own;
- `honest` does its work (and, as CLAUDE.md asks, records evidence and renders status itself).
Only `honest` is integrated, with the dispatcher's own evidence.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from dispatch_helpers import done_on, git, make_dispatch_repo, status_check
from typer.testing import CliRunner

from orchestrator.claims.store import ClaimStore
from orchestrator.cli import app
from orchestrator.dispatch.blocked import BlockedList
from orchestrator.evidence import EvidenceStore
from orchestrator.layout import Layout

ENTRIES: dict[str, tuple[str, ...]] = {
    "honest": (),
    "cheat": (),
    "weaken": (),
    "tamper": (),
    "keys": (),
}

FAKE_AGENT = """\
import json, os, pathlib, subprocess, sys
ws = os.environ["TT_WS_ID"]
tt_ws = [sys.executable, "-c", "from orchestrator.cli import main; main()"]
evidence = pathlib.Path("status", "evidence", ws, "build")
if ws == "cheat":
    subprocess.run([*tt_ws, "run", ws], check=False)  # fails: the work is not done
    record_file = sorted(evidence.glob("*.json"))[-1]
    record = json.loads(record_file.read_text())
    record.update(exit_code=0, metrics={"exit_code": 0.0})
    record_file.write_text(json.dumps(record))
    sys.exit(0)
if ws == "weaken":
    registry = pathlib.Path("workstreams", "dispatch.yaml")
    text = registry.read_text().replace('python check.py weaken', 'python -c pass')
    registry.write_text(text)
    sys.exit(0)
pathlib.Path("work").mkdir(exist_ok=True)
pathlib.Path("work", f"{ws}.txt").write_text(f"{ws} done\\n")
if ws == "tamper":
    for record_file in evidence.glob("*.json"):
        record_file.unlink()  # the FAIL on record goes
    sys.exit(0)
if ws == "keys":
    runners = pathlib.Path("workstreams", "trust", "runners.yaml")
    runners.parent.mkdir()
    runners.write_text("runners: [{name: me, key: 'ed25519:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='}]\\n")
    sys.exit(0)
subprocess.run([*tt_ws, "run", ws], check=True)
subprocess.run([*tt_ws, "status"], check=True)
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The dispatch repository, with a FAIL of `tamper` on record; cwd. Child processes
    (agents, gate runs) import the code under test."""
    code = Path(sys.modules["orchestrator"].__file__).resolve().parents[1]
    monkeypatch.setenv("PYTHONPATH", str(code))
    root = make_dispatch_repo(tmp_path / "repo", ENTRIES)
    monkeypatch.chdir(root)
    assert CliRunner().invoke(app, ["run", "tamper"]).exit_code == 1
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "tamper: evidence of its failing gate")
    return root


def test_only_the_dispatchers_own_runs_count(root: Path, tmp_path: Path) -> None:
    agent = tmp_path / "agent.py"
    agent.write_text(FAKE_AGENT)
    result = CliRunner().invoke(
        app,
        ["dispatch", "--agents", "2", "--command", f"{sys.executable} {agent}",
         "--max-attempts", "1", "--stall", "30", "--poll", "0.2", "--prefix", "bot"],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 1, result.output  # some ended blocked

    assert done_on(root, "tt-ws/dispatch", tmp_path / "view") == {"honest"}
    blocked = BlockedList(ClaimStore.open(root).refs).active()
    assert blocked["cheat"].reason.startswith(
        "failed after 1 attempt(s): the agent exited 0 but the gates do not pass: "
        "cheat build: exit_code == 0: got 1"
    )
    assert blocked["weaken"].reason == (
        "failed after 1 attempt(s): refused: the agent's diff loosens gates: weaken build: "
        "run changed from `python check.py weaken` to `python -c pass`"
    )
    assert blocked["tamper"].reason.startswith(
        "failed after 1 attempt(s): refused: the agent's diff edits or deletes evidence the "
        "dispatcher recorded: status/evidence/tamper/build/"
    )
    assert blocked["keys"].reason == (
        "failed after 1 attempt(s): refused: the agent's diff changes the trusted runners "
        "(workstreams/trust/runners.yaml)"
    )
    assert "cheat: dropped 1 status/ file(s) the agent wrote" in result.output  # the forgery
    assert "honest: dropped 3 status/ file(s) the agent wrote" in result.output  # record, pages

    # On the branch: the honest agent's own record was dropped; the evidence is the
    # dispatcher's run, stamped with the slot's claim, and status renders from it.
    view = tmp_path / "view"
    records = list(EvidenceStore(Layout(view).evidence).history("honest", "build"))
    assert len(records) == 1 and records[0].claim_holder.startswith("bot-")
    assert records[0].exit_code == 0
    assert not (view / "status/evidence/cheat").exists()
    checked = status_check(view)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tamper = sorted((view / "status/evidence/tamper/build").glob("*.json"))
    assert [json.loads(p.read_text())["exit_code"] for p in tamper] == [1]  # still on record
