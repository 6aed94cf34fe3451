"""Where Databricks credentials come from, checked before Terraform starts (standard variables and profiles)."""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from pathlib import Path

from generator.errors import MissingCredentials


def check_credentials(environ: Mapping[str, str] | None = None) -> str:
    """Describe where Databricks credentials come from; raise :class:`MissingCredentials` when there are none."""
    env = os.environ if environ is None else environ
    if env.get("DATABRICKS_HOST"):
        auth = next(
            (
                name
                for name in (
                    "DATABRICKS_TOKEN",
                    "DATABRICKS_CLIENT_ID",
                    "ARM_CLIENT_ID",
                    "DATABRICKS_AZURE_CLIENT_ID",
                    "DATABRICKS_AUTH_TYPE",
                )
                if env.get(name)
            ),
            None,
        )
        if auth is None:
            raise MissingCredentials(
                "DATABRICKS_HOST is set but no credential is: set DATABRICKS_TOKEN "
                "(or DATABRICKS_CLIENT_ID/SECRET, or DATABRICKS_AUTH_TYPE=azure-cli)"
            )
        return f"DATABRICKS_HOST with {auth}"
    config_file = Path(env.get("DATABRICKS_CONFIG_FILE") or Path(env.get("HOME", "~")).expanduser() / ".databrickscfg")
    profile = env.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
    parser = configparser.ConfigParser()
    if config_file.is_file():
        parser.read(config_file)
    if (profile == "DEFAULT" and parser.defaults().get("host")) or parser.has_section(profile):
        return f"profile {profile} in {config_file}"
    if env.get("DATABRICKS_CONFIG_PROFILE"):
        raise MissingCredentials(f"profile {profile!r} not found in {config_file}")
    raise MissingCredentials(
        "no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN, or "
        "DATABRICKS_CONFIG_PROFILE naming a profile in ~/.databrickscfg"
    )
