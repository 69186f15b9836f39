"""The `tt-ws` command-line entry point: builds the typer app from one module per command.

Heavy imports (tilelang, torch, the compiler) live inside the commands that need them, so that
`tt-ws list` starts fast.
"""

from __future__ import annotations

import importlib

import typer

# One module per command under orchestrator/commands/; each defines `register(app)`.
COMMAND_MODULES: tuple[str, ...] = (
    "lint",
    "run",
    "status",
    "list",
    "show",
    "next",
    "claim",
    "release",
    "heartbeat",
    "agents",
    "dispatch",
    "compile",
    "sim",
    "history",
    "check",
    "verify",
    "runner_key",
    "bench",
)

app = typer.Typer(
    name="tt-ws",
    help="TileLang -> TT-Metalium compiler toolchain and workstream orchestrator.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for _name in COMMAND_MODULES:
    importlib.import_module(f"orchestrator.commands.{_name}").register(app)


def main() -> None:
    app()


if __name__ == "__main__":  # `python -m orchestrator.cli`: the tt-ws of this tree
    main()
