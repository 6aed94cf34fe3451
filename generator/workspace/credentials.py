"""Where the Databricks credentials come from, found the standard way without any network call.

The order is the one databricks-sdk and the Terraform provider use: ``DATABRICKS_HOST`` with a
credential in the environment, else a profile of ``~/.databrickscfg`` (``DATABRICKS_CONFIG_FILE``,
``DATABRICKS_CONFIG_PROFILE``, default ``DEFAULT``).
"""

from __future__ import annotations

import configparser
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.errors import MissingCredentials

_CREDENTIAL_VARIABLES = (
    "DATABRICKS_TOKEN",
    "DATABRICKS_CLIENT_ID",
    "ARM_CLIENT_ID",
    "DATABRICKS_AZURE_CLIENT_ID",
    "DATABRICKS_AUTH_TYPE",
)


@dataclass(frozen=True)
class Credentials:
    """The workspace the credentials point at, and where they were found (for messages)."""

    host: str
    source: str


def locate_credentials(environ: Mapping[str, str] | None = None) -> Credentials:
    """The credentials in ``environ`` (default: this process's); raise :class:`MissingCredentials` when none."""
    env = os.environ if environ is None else environ
    if env.get("DATABRICKS_HOST"):
        auth = next((name for name in _CREDENTIAL_VARIABLES if env.get(name)), None)
        if auth is None:
            raise MissingCredentials(
                "DATABRICKS_HOST is set but no credential is: set DATABRICKS_TOKEN "
                "(or DATABRICKS_CLIENT_ID/SECRET, or DATABRICKS_AUTH_TYPE=azure-cli)"
            )
        return Credentials(_with_scheme(env["DATABRICKS_HOST"]), f"DATABRICKS_HOST with {auth}")
    config_file = Path(env.get("DATABRICKS_CONFIG_FILE") or Path(env.get("HOME", "~")).expanduser() / ".databrickscfg")
    profile = env.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
    parser = configparser.ConfigParser()
    if config_file.is_file():
        parser.read(config_file)
    host = parser.defaults().get("host") if profile == "DEFAULT" else None
    if parser.has_section(profile):
        host = parser.get(profile, "host", fallback=None)
    if host:
        return Credentials(_with_scheme(host), f"profile {profile} in {config_file}")
    if parser.has_section(profile) or (profile == "DEFAULT" and parser.defaults()):
        raise MissingCredentials(f"profile {profile!r} in {config_file} has no host")
    if env.get("DATABRICKS_CONFIG_PROFILE"):
        raise MissingCredentials(f"profile {profile!r} not found in {config_file}")
    raise MissingCredentials(
        "no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN, or "
        "DATABRICKS_CONFIG_PROFILE naming a profile in ~/.databrickscfg"
    )


def _with_scheme(host: str) -> str:
    host = host.strip().rstrip("/")
    return host if "://" in host else f"https://{host}"
