"""Gated pull-request checks: gate inputs and caching, flaky tests, history, and `tt-ws check`."""
