"""`python -m orchestrator ...` is `tt-ws ...`: how gates run the tt-ws of the tree under test."""

from orchestrator.cli import main

main()
