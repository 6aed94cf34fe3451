"""Every file ``mlenv render`` writes is byte-identical to the recorded digests, for both registries, both state
layouts and both Unity Catalog identity modes (:mod:`tests.support.rendered_digests` says how to record them)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.rendered_digests import CONFIGURATIONS, rendered_digests

RECORDED = json.loads((Path(__file__).parent / "rendered_digests.json").read_text(encoding="utf-8"))


def test_every_configuration_is_recorded():
    assert sorted(RECORDED) == sorted(CONFIGURATIONS)


@pytest.mark.parametrize("configuration", sorted(CONFIGURATIONS))
def test_rendered_files_are_byte_identical_to_the_recorded_ones(configuration, tmp_path):
    rendered = rendered_digests(configuration, tmp_path)
    recorded = RECORDED[configuration]
    assert sorted(rendered) == sorted(recorded), "the same files are written"
    changed = sorted(path for path in rendered if rendered[path] != recorded[path])
    assert not changed, f"{configuration}: these files differ from the recorded render: {changed}"
