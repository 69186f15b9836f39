"""The source tree hash: content of the sources on disk, with status/ left out."""

from __future__ import annotations

from pathlib import Path

import pytest
from repo_helpers import commit_all, git, write

from orchestrator.errors import GitError
from orchestrator.tree import source_tree


def test_clean_checkout_hashes_like_head_and_is_not_dirty(repo: Path) -> None:
    tree = source_tree(repo)
    assert tree.hash == git(repo, "rev-parse", "HEAD^{tree}")
    assert not tree.dirty


def test_status_directory_is_left_out(repo: Path) -> None:
    before = source_tree(repo)
    write(repo, "status/PHASES.md", "anything\n")
    write(repo, "status/evidence/1.1/tests/x.json", "{}\n")
    assert source_tree(repo) == before
    commit_all(repo, "status")
    assert source_tree(repo) == before


def test_uncommitted_and_untracked_changes_count(repo: Path) -> None:
    before = source_tree(repo)
    write(repo, "tests/test_add.py", "def test_one():\n    assert False\n")
    edited = source_tree(repo)
    assert edited.hash != before.hash and edited.dirty
    write(repo, "notes.txt", "new file\n")
    assert source_tree(repo).hash != edited.hash
    commit_all(repo)
    assert not source_tree(repo).dirty


def test_ignored_files_and_run_scratch_do_not_count(repo: Path) -> None:
    before = source_tree(repo)
    write(repo, "__pycache__/x.pyc", "bytes")
    write(repo, ".tt-ws/runs/1.1/tests/log", "output")
    assert source_tree(repo) == before


def test_real_index_is_untouched(repo: Path) -> None:
    write(repo, "new.txt", "x\n")
    source_tree(repo)
    assert git(repo, "status", "--porcelain") == "?? new.txt"


def test_outside_git_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GitError, match="rev-parse"):
        source_tree(tmp_path)
