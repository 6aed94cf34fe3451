"""The local server helper says what is missing when the server cannot start (mlflow-skinny has no server)."""

from __future__ import annotations

import pytest

from env_mlflow_client.testing import SERVER_PYTHON_VARIABLE, start_server


def test_a_server_without_its_modules_names_the_package_to_install(tmp_path, monkeypatch):
    fake_python = tmp_path / "python"
    fake_python.write_text("#!/bin/sh\necho \"ModuleNotFoundError: No module named 'flask'\" >&2\nexit 1\n")
    fake_python.chmod(0o755)
    monkeypatch.setenv(SERVER_PYTHON_VARIABLE, str(fake_python))
    with pytest.raises(RuntimeError) as raised:
        start_server(tmp_path / "server", timeout=10)
    message = str(raised.value)
    assert "Python module 'flask' is missing" in message and "pip install mlflow" in message
