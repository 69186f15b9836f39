"""tt-ws orchestrator: the workstream registry, gates, evidence, status and agent coordination."""

__version__ = "0.1.0"
