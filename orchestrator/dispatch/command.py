"""The agent command template: `--command` with `{field}` placeholders, run by `/bin/sh -c`.

Fields are substituted shell-quoted, so a title with spaces or quotes stays one word; write
`{prompt}`, not `"{prompt}"`. The same values are in the agent's environment as `TT_WS_<FIELD>`.
Literal braces are written `{{` and `}}`. The claim's secret is only in the environment
(`$TT_WS_CLAIM_SECRET`), never a field: a command line is visible to every user of the machine.
"""

from __future__ import annotations

import shlex
import string
from collections.abc import Mapping

from orchestrator.errors import TtWsError

FIELDS: dict[str, str] = {
    "id": "the workstream id",
    "title": "the workstream title",
    "gates": "the names of its gates, space-separated",
    "worktree": "the git worktree the agent works in (also its working directory)",
    "prompt": "a Markdown file: the workstream, its gates, how to prove them, CLAUDE.md",
    "attempt": "1 for the first attempt, 2 for the first retry, ...",
    "agent": "the agent's name, holder of the claim (also $TT_WS_AGENT)",
    "log": "the file the agent's output goes to",
}


class CommandTemplate:
    def __init__(self, text: str) -> None:
        if not text.strip():
            raise TtWsError("--command is empty: give the agent command to run")
        try:
            used = {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
        except ValueError as exc:
            raise TtWsError(
                f"--command {text!r}: {exc} (write literal braces as {{{{ }}}})"
            ) from None
        unknown = sorted(used - FIELDS.keys())
        if unknown:
            known = ", ".join(f"{{{f}}}" for f in FIELDS)
            raise TtWsError(
                f"--command uses unknown field(s) {', '.join(unknown)!s}; known: {known}"
            )
        self.text = text

    def render(self, values: Mapping[str, str]) -> list[str]:
        """The argv that runs the command with `values` filled in."""
        quoted = {name: shlex.quote(values[name]) for name in FIELDS}
        return ["/bin/sh", "-c", self.text.format_map(quoted)]


def environment(values: Mapping[str, str]) -> dict[str, str]:
    return {f"TT_WS_{name.upper()}": values[name] for name in FIELDS}
