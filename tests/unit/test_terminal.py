"""Progress only on a terminal outside CI; colour only on a terminal without NO_COLOR; results stay plain."""

from __future__ import annotations

import io
import json

import pytest

from generator import terminal


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def _plain_environment(monkeypatch):
    for name in ("CI", "NO_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)


def test_colour_only_on_a_terminal_and_never_with_no_color(monkeypatch):
    assert terminal.styled("drift", "red", _Terminal()) == "\033[31mdrift\033[0m"
    assert terminal.styled("drift", "red", io.StringIO()) == "drift"
    monkeypatch.setenv("NO_COLOR", "")
    assert terminal.styled("drift", "red", _Terminal()) == "drift"
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("TERM", "dumb")
    assert terminal.styled("drift", "red", _Terminal()) == "drift"


def test_progress_only_on_a_terminal_outside_ci(monkeypatch):
    assert terminal.progress_enabled(_Terminal())
    assert not terminal.progress_enabled(io.StringIO())
    monkeypatch.setenv("CI", "true")
    assert not terminal.progress_enabled(_Terminal())


def test_counter_writes_nothing_when_disabled(capsys):
    counter = terminal.Counter("audit: objects read", 2, enabled=False)
    counter.step()
    counter.finish()
    assert capsys.readouterr().err == ""
    counter = terminal.Counter("audit: objects read", 2, enabled=True)
    counter.step()
    counter.step()
    counter.finish()
    assert capsys.readouterr().err == "\raudit: objects read: 1/2\raudit: objects read: 2/2\n"


def test_errors_are_plain_when_stderr_is_not_a_terminal(repo, mlenv):
    (repo / "environments/acc.yaml").write_text("production: maybe\n")
    result = mlenv("--repository", repo, "validate")
    assert result.code == 2 and "\033[" not in result.err


def test_validate_json_is_one_object(mlenv, repo):
    result = mlenv("--repository", repo, "validate", "--format", "json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "valid": True,
        "environments": ["acc", "preprod", "prod"],
        "production": ["prod"],
        "grants": 32,
    }
