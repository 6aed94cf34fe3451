"""One command line: ``--format`` where output has formats, ``--jobs`` where work runs in parallel, queries as their
own commands, one-time moves apart, old spellings that still work for one release and say what replaces them,
and a README reference generated from the parser."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli.migrate_parser import chosen_mode
from generator.cli.parser import build_parser
from generator.cli.reference import BEGIN, END, cli_reference, readme_with_reference
from tests.support.repository import REPOSITORY

WARNING = "is deprecated and will be removed in the next release; use "


def test_the_readme_reference_is_generated_from_the_parser():
    readme = (REPOSITORY / "README.md").read_text(encoding="utf-8")
    generated = readme_with_reference(readme, cli_reference(build_parser()))
    assert generated == readme, "README.md's CLI reference is stale: run make docs"


def test_the_reference_names_every_command_and_no_old_spelling():
    reference = cli_reference(build_parser())
    for command in ("validate", "render", "roots", "plan", "apply", "audit", "adopt", "migrate", "access", "diff"):
        assert f"### `mlenv {command}`" in reference
    for old in ("--root ", "--concurrency", "--split-state", "--forget-workspace-identities", "--list", "--json"):
        assert old not in reference, old
    assert BEGIN not in reference and END not in reference


def test_every_output_format_is_chosen_with_format_and_parallel_work_with_jobs():
    parser = build_parser()
    commands = next(action for action in parser._actions if action.dest == "==SUPPRESS==" and action.choices)
    for name, command in commands.choices.items():
        options = {
            option for action in command._actions for option in action.option_strings if action.help != "==SUPPRESS=="
        }
        assert not options & {"--json", "--concurrency", "--list"}, name


def test_roots_lists_the_roots_as_names_or_json(repo, mlenv):
    names = mlenv("--repository", repo, "roots")
    assert names.code == 0 and names.out == "workspace\n" and names.err == ""
    listed = json.loads(mlenv("--repository", repo, "roots", "--format", "json").out)
    assert listed == [
        {
            "name": "workspace",
            "directory": ".",
            "environment": None,
            "production": True,
            "saved_plan": ".mlenv/tfplan",
        }
    ]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["--root", "{repo}", "roots"], "--repository"),
        (["--repository", "{repo}", "plan", "--list"], "mlenv roots"),
        (["--repository", "{repo}", "validate", "--json"], "--format json"),
    ],
)
def test_an_old_spelling_still_works_and_names_the_new_one(repo, mlenv, old, new):
    arguments = [str(repo) if argument == "{repo}" else argument for argument in old]
    result = mlenv(*arguments)
    assert result.code == 0, result.err
    assert f"{WARNING}{new}" in result.err
    assert result.out, "and does what the new spelling does"


def test_plan_list_json_is_mlenv_roots_format_json(repo, mlenv):
    old = mlenv("--repository", repo, "plan", "--list", "--json")
    new = mlenv("--repository", repo, "roots", "--format", "json")
    assert old.out == new.out and old.code == new.code == 0
    assert old.err.count(WARNING) == 2


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (["plan", "--split-state"], {"move": ["split-state"]}),
        (
            ["plan", "--forget-workspace-identities", "--split-state"],
            {"move": ["forget-workspace-identities", "split-state"]},
        ),
        (["audit", "--concurrency", "3"], {"jobs": 3}),
        (["adopt", "--concurrency", "2"], {"jobs": 2}),
        (["migrate", "--dry-run"], {"mode": "dry-run"}),
        (["migrate", "--verify"], {"mode": "verify"}),
        (["migrate", "--delete-archive"], {"mode": "delete-archive"}),
    ],
)
def test_old_spellings_parse_as_the_new_ones(old, new):
    arguments = build_parser().parse_args(old)
    parsed = vars(arguments) | ({"mode": chosen_mode(arguments)} if old[0] == "migrate" else {})
    assert {key: parsed[key] for key in new} == new
    assert len(parsed["deprecation_warnings"]) == len([word for word in old if word.startswith("--") and word != "--"])


def test_the_new_spellings_parse_without_warnings():
    for arguments in (
        ["plan", "--move", "split-state", "--move", "forget-workspace-identities"],
        ["audit", "--jobs", "3"],
        ["migrate", "dry-run", "--env", "acc"],
        ["--repository", str(Path.cwd()), "roots", "--format", "json"],
    ):
        assert "deprecation_warnings" not in vars(build_parser().parse_args(arguments)), arguments
