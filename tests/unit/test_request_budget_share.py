"""One rule for every sender's share of the workspace's request budget (:mod:`generator.request_budget`)."""

from __future__ import annotations

from generator.request_budget import process_share, processes_within


def test_processes_at_their_share_never_exceed_the_budget_even_when_bursting():
    for budget in range(3, 200):
        for wanted in range(1, 17):
            processes = processes_within(budget, wanted)
            assert 1 <= processes <= wanted
            share = process_share(budget, processes)
            assert share >= 1
            assert 2 * share * processes + 1 <= budget, (budget, wanted, processes, share)


def test_the_budget_runs_as_many_processes_as_it_can_give_a_request_per_second_each():
    assert processes_within(15, 4) == 4
    assert processes_within(7, 4) == 3
    assert processes_within(4, 4) == 1
    assert processes_within(1, 4) == 1
    assert process_share(15, 1) == 7
    assert process_share(15, 4) == 1
