"""What the access history reads from a merge commit's message, and what it never decides from it."""

from __future__ import annotations

import pytest

from generator.history.commits import Commit

MERGE_PARENTS = ("a" * 40, "b" * 40)


@pytest.mark.parametrize(
    ("message", "number"),
    [
        ("Merge pull request #42 from team/add-model\n\nadd a model", "42"),  # GitHub
        ("Merge branch 'x' into 'main'\n\nadd a model\n\nSee merge request platform/ml!17", "17"),  # GitLab
        ("Merged PR 305: add a model", "305"),  # Azure DevOps
        ("Merged in feature/x (pull request #9)\n\nadd a model", "9"),  # Bitbucket
        ("Merge branch 'feature/x'", ""),  # a merge made by hand names none
    ],
)
def test_the_pull_request_number_comes_from_the_merge_message(message, number):
    merge = Commit("c" * 40, MERGE_PARENTS, "A", "a@example.com", "2026-01-01T00:00:00+00:00", message)
    assert merge.pull_request == number
    assert merge.is_merge


def test_a_commit_that_names_a_pull_request_is_still_direct():
    squashed = Commit("d" * 40, ("a" * 40,), "A", "a@example.com", "2026-01-01T00:00:00+00:00", "Add model (#42)")
    assert not squashed.is_merge, "a squash merge leaves one parent: git cannot tell it from a push"
