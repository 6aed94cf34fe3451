"""One error contract: every expected failure carries its exit code, and the CLI reports it in one place."""

from __future__ import annotations

import pytest

from generator import cli
from generator.errors import (
    EXIT_CODE_MEANINGS,
    ChangesFound,
    ExitCode,
    InvalidInput,
    MissingCredentials,
    MlenvError,
    Problem,
    Refused,
    TerraformFailed,
    ToolchainError,
    WorkspaceUnreachable,
)


@pytest.mark.parametrize(
    "error, code, first_line",
    [
        (
            InvalidInput([Problem("environments/acc.yaml", 3, "bad", "fix it")]),
            2,
            "environments/acc.yaml:3: bad (fix it)",
        ),
        (ChangesFound("stale"), 1, "mlenv: stale"),
        (TerraformFailed("terraform plan failed (exit 1)"), 1, "mlenv: terraform plan failed (exit 1)"),
        (ToolchainError("no terraform"), 3, "mlenv: no terraform"),
        (MissingCredentials("no credentials"), 3, "mlenv: no credentials"),
        (WorkspaceUnreachable("cannot audit"), 3, "mlenv: cannot audit"),
        (Refused("deletes 2 resources"), 4, "mlenv: refused: deletes 2 resources"),
    ],
)
def test_each_error_reports_itself_with_its_exit_code(error, code, first_line, monkeypatch, capsys):
    def failing(arguments):
        raise error

    monkeypatch.setattr(cli, "_command", lambda reference: failing)
    assert cli.main(["validate"]) == code
    assert capsys.readouterr().err.splitlines()[0] == first_line


def test_invalid_input_says_nothing_was_written_only_for_commands_that_write(repo, mlenv):
    (repo / "environments/acc.yaml").write_text("production: maybe\n")
    assert mlenv("--repository", repo, "validate").err.endswith("1 problem found.\n")
    assert mlenv("--repository", repo, "render").err.endswith("1 problem found; nothing was written.\n")


def test_invalid_input_ends_saying_nothing_was_written():
    error = InvalidInput([Problem("b", 2, "two"), Problem("a", 1, "one"), Problem("a", 1, "one")])
    assert error.report(writer=True) == ["a:1: one", "b:2: two", "2 problems found; nothing was written."]
    assert error.report() == ["a:1: one", "b:2: two", "2 problems found."]


def test_a_bug_is_one_line_and_exit_70(monkeypatch, capsys):
    def broken(arguments):
        raise ZeroDivisionError("boom")

    monkeypatch.setattr(cli, "_command", lambda reference: broken)
    assert cli.main(["validate"]) == ExitCode.INTERNAL
    err = capsys.readouterr().err
    assert err.startswith("mlenv: internal error: ZeroDivisionError: boom") and "Traceback" not in err


def test_every_error_class_has_a_documented_exit_code():
    classes = [
        ChangesFound,
        InvalidInput,
        MissingCredentials,
        Refused,
        TerraformFailed,
        ToolchainError,
        WorkspaceUnreachable,
    ]
    assert all(issubclass(kind, MlenvError) and kind.exit_code in EXIT_CODE_MEANINGS for kind in classes)
