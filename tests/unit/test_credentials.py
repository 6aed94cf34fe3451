"""Credentials are found the standard way, without a network call: environment first, then profiles."""

from __future__ import annotations

import pytest

from generator.errors import MissingCredentials
from generator.workspace.credentials import locate_credentials


def test_environment_variables_come_first(tmp_path):
    found = locate_credentials(
        {"HOME": str(tmp_path), "DATABRICKS_HOST": "adb-1.azuredatabricks.net/", "DATABRICKS_TOKEN": "x"}
    )
    assert (found.host, found.source) == ("https://adb-1.azuredatabricks.net", "DATABRICKS_HOST with DATABRICKS_TOKEN")


def test_profiles_of_the_config_file(tmp_path):
    config = tmp_path / ".databrickscfg"
    config.write_text("[DEFAULT]\nhost = https://adb-1.azuredatabricks.net\ntoken = x\n\n[prod]\nhost = h\n")
    default = locate_credentials({"HOME": str(tmp_path)})
    assert default.source.startswith("profile DEFAULT") and default.host == "https://adb-1.azuredatabricks.net"
    assert locate_credentials({"HOME": str(tmp_path), "DATABRICKS_CONFIG_PROFILE": "prod"}).host == "https://h"


@pytest.mark.parametrize(
    "environ, message",
    [
        ({"DATABRICKS_CONFIG_PROFILE": "staging"}, "profile 'staging' not found"),
        ({"DATABRICKS_HOST": "https://x"}, "DATABRICKS_HOST is set but no credential is"),
        ({}, "no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN"),
    ],
)
def test_missing_credentials_say_what_to_set(tmp_path, environ, message):
    (tmp_path / ".databrickscfg").write_text("[other]\nhost = https://y\n")
    with pytest.raises(MissingCredentials, match=message):
        locate_credentials({"HOME": str(tmp_path), **environ})


def test_a_profile_without_host_is_named(tmp_path):
    (tmp_path / ".databrickscfg").write_text("[DEFAULT]\ntoken = x\n")
    with pytest.raises(MissingCredentials, match=r"profile 'DEFAULT' .* has no host"):
        locate_credentials({"HOME": str(tmp_path)})
