"""The ``mlflow_server`` marker says exactly which tests of this directory need a real MLflow server."""

from __future__ import annotations

from pathlib import Path

#: Fixtures that start a real MLflow server; a test needs one when they are in its fixture closure.
SERVER_FIXTURES = {"mlflow_server", "auth_server"}
HERE = Path(__file__).resolve().parent


def test_server_tests_and_only_they_carry_the_mlflow_server_marker(request):
    wrong = []
    for item in request.session.items:
        if not Path(item.path).resolve().is_relative_to(HERE):
            continue
        needs_server = bool(SERVER_FIXTURES & set(getattr(item, "fixturenames", ())))
        marked = item.get_closest_marker("mlflow_server") is not None
        if needs_server != marked:
            problem = "needs a server but is not marked" if needs_server else "is marked but needs no server"
            wrong.append(f"{item.nodeid} {problem}")
    assert wrong == []
