"""The prompt file an agent is started with: its workstream, the gates that define done, the
commands that prove them, the rules of the dispatcher, and the project's `CLAUDE.md`."""

from __future__ import annotations

from pathlib import Path

from orchestrator.claims.record import ClaimRecord
from orchestrator.registry import Registry, Workstream

INSTRUCTIONS_FILE = "CLAUDE.md"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _gates(ws: Workstream) -> list[str]:
    lines = ["| gate | kind | runs | requires |", "| --- | --- | --- | --- |"]
    for gate in ws.gates:
        requires = ", ".join(str(c) for c in gate.require)
        lines.append(
            f"| {gate.name} | {gate.kind} | `{_cell(gate.describe())}` | {_cell(requires)} |"
        )
    return lines


def render_prompt(
    registry: Registry,
    ws: Workstream,
    claim: ClaimRecord,
    attempt: int,
    previous: str | None,
    instructions: Path,
) -> str:
    """The prompt text; `previous` is why the last attempt did not count (None on the first)."""
    owns = [f"- `{p}`" for p in ws.spec.owns] or ["- (the registry lists no owned paths)"]
    deps = ", ".join(f"{d} ({registry.get(d).title})" for d in ws.depends_on) or "none"
    lines = [
        f"# Workstream {ws.id}: {ws.title}",
        "",
        f"You are agent `{claim.holder}`, attempt {attempt}. The dispatcher claimed {ws.id} for "
        f"you (fencing token {claim.token}) and renews the lease while you run; do not release "
        "it, and do not claim anything else.",
        "",
        f"Work only in this git worktree: `{claim.worktree}` (branch `{claim.branch}`). "
        "Change only the paths the workstream owns:",
        *owns,
        "",
        f"Its dependencies are done: {deps}.",
        "",
        "## Done means every gate passes",
        "",
        *_gates(ws),
        "",
        f"Prove them with `tt-ws run {ws.id}` in the worktree ($TT_WS_AGENT is already your "
        "name and $TT_WS_CLAIM_SECRET the claim's secret: keep both in the environment of your "
        f"`tt-ws` commands, and never print the secret), and look at a gate with `tt-ws show {ws.id}`. Commit your work on the branch; "
        "what you leave uncommitted is committed for you when you exit.",
        "",
        "When you exit, the dispatcher merges the latest integrated work into your branch and "
        "runs these gates itself, together with the gates of every workstream already done: "
        "your exit status is not evidence, nor are the records your own `tt-ws run` wrote "
        "(the dispatcher drops your changes under `status/` and records its own). Only gates "
        "passing on that tree complete the workstream; otherwise it is retried and, after the "
        "last attempt, marked blocked. Work that edits or deletes recorded evidence or "
        "loosens a gate's definition is refused.",
        "Print progress as you go: an agent that prints nothing for too long is stopped.",
    ]
    if previous:
        lines += ["", "## Why the previous attempt did not count", "", previous]
    if instructions.is_file():
        text = instructions.read_text(encoding="utf-8", errors="replace")
        lines += ["", f"## Project instructions ({INSTRUCTIONS_FILE})", "", text.rstrip()]
    return "\n".join(lines) + "\n"
