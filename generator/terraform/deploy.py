"""``mlenv plan`` and ``mlenv apply``: Terraform with a saved plan and a guard against deletions.

``plan`` refuses stale generated files, checks credentials, runs ``terraform init`` and
``terraform plan -out``, and records a fingerprint of every input next to the saved plan.
``apply`` refuses a missing plan or one made from other inputs, lists every delete or
replace in the plan and refuses them unless ``allow_destroy`` is given.
"""

from __future__ import annotations

import configparser
import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from python_terraform import IsFlagged

from generator.terraform.runner import TerraformRunner

STATE_DIRECTORY = ".mlenv"
PLAN_FILE = f"{STATE_DIRECTORY}/tfplan"
PLAN_RECORD = f"{STATE_DIRECTORY}/tfplan.json"
_FINGERPRINTED = ("environments/*.yaml", "*.tf", "*.tfvars", "modules/*/*.tf")


class DeployRefused(Exception):
    """A plan or apply was refused before Terraform changed anything; the message says why."""


class TerraformFailed(DeployRefused):
    """A Terraform command failed; its own output says why."""


class MissingCredentials(DeployRefused):
    """No Databricks credentials are configured."""


@dataclass(frozen=True)
class Change:
    """One resource change in a saved plan."""

    address: str
    actions: tuple[str, ...]
    importing: bool = False

    @property
    def destructive(self) -> bool:
        """Whether the change deletes the resource (a delete, or a replace)."""
        return "delete" in self.actions

    def describe(self) -> str:
        """``replace``/``delete`` and the resource address."""
        verb = "replace" if set(self.actions) == {"create", "delete"} else "delete"
        return f"{verb} {self.address}"


def fingerprint(root: Path) -> str:
    """SHA-256 over every input of the plan: manifests, every root ``*.tf`` and ``*.tfvars``, modules."""
    digest = hashlib.sha256()
    paths = sorted({path for pattern in _FINGERPRINTED for path in root.glob(pattern) if path.is_file()})
    for path in paths:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def check_credentials(environ: dict[str, str] | None = None) -> str:
    """Describe where Databricks credentials come from; raise :class:`DeployRefused` when there are none."""
    env = os.environ if environ is None else environ
    if env.get("DATABRICKS_HOST"):
        auth = next((name for name in ("DATABRICKS_TOKEN", "DATABRICKS_CLIENT_ID", "ARM_CLIENT_ID",
                                       "DATABRICKS_AZURE_CLIENT_ID", "DATABRICKS_AUTH_TYPE") if env.get(name)), None)
        if auth is None:
            raise MissingCredentials("DATABRICKS_HOST is set but no credential is: set DATABRICKS_TOKEN "
                                "(or DATABRICKS_CLIENT_ID/SECRET, or DATABRICKS_AUTH_TYPE=azure-cli)")
        return f"DATABRICKS_HOST with {auth}"
    config_file = Path(env.get("DATABRICKS_CONFIG_FILE") or Path(env.get("HOME", "~")).expanduser() / ".databrickscfg")
    profile = env.get("DATABRICKS_CONFIG_PROFILE") or "DEFAULT"
    parser = configparser.ConfigParser()
    if config_file.is_file():
        parser.read(config_file)
    if profile == "DEFAULT" and parser.defaults().get("host") or parser.has_section(profile):
        return f"profile {profile} in {config_file}"
    if env.get("DATABRICKS_CONFIG_PROFILE"):
        raise MissingCredentials(f"profile {profile!r} not found in {config_file}")
    raise MissingCredentials("no Databricks credentials: set DATABRICKS_HOST and DATABRICKS_TOKEN, or "
                        "DATABRICKS_CONFIG_PROFILE naming a profile in ~/.databrickscfg")


def plan(root: Path, runner: TerraformRunner, refresh: bool = True) -> list[Change]:
    """Init, plan into ``.mlenv/tfplan`` and record the inputs' fingerprint; return the planned changes."""
    check_credentials()
    (root / STATE_DIRECTORY).mkdir(exist_ok=True)
    (root / PLAN_RECORD).unlink(missing_ok=True)
    _require(runner.run(root, "init", input=False))
    result = runner.run(root, "plan", input=False, out=PLAN_FILE, detailed_exitcode=IsFlagged,
                        refresh=None if refresh else False)
    if result.returncode not in (0, 2):
        raise TerraformFailed(f"terraform plan failed (exit {result.returncode}); nothing was saved")
    changes = read_changes(root, runner)
    (root / PLAN_RECORD).write_text(json.dumps({"fingerprint": fingerprint(root)}) + "\n", encoding="utf-8")
    return changes


def apply(root: Path, runner: TerraformRunner, allow_destroy: bool = False) -> list[Change]:
    """Apply the saved plan after checking it is current and deletes nothing (unless allowed)."""
    record = root / PLAN_RECORD
    if not (root / PLAN_FILE).is_file() or not record.is_file():
        raise DeployRefused("no saved plan: run 'mlenv plan' first")
    if json.loads(record.read_text(encoding="utf-8")).get("fingerprint") != fingerprint(root):
        raise DeployRefused("the saved plan was made from other manifests or Terraform files: run 'mlenv plan' again")
    check_credentials()
    changes = read_changes(root, runner)
    destructive = [change for change in changes if change.destructive]
    if destructive and not allow_destroy:
        listing = "; ".join(change.describe() for change in destructive)
        raise DeployRefused(f"the plan deletes or replaces {len(destructive)} resources ({listing}); "
                            "rerun with --allow-destroy if that is intended")
    _require(runner.run(root, "apply", PLAN_FILE, input=False))
    (root / PLAN_RECORD).unlink()
    return changes


def read_changes(root: Path, runner: TerraformRunner) -> list[Change]:
    """The resource changes of the saved plan (``terraform show -json``); no-ops left out unless they import."""
    code, out = runner.capture(root, "show", "-json", PLAN_FILE)
    if code != 0:
        raise TerraformFailed(f"terraform show failed on {PLAN_FILE} (exit {code})")
    document = json.loads(out)
    return [Change(entry["address"], tuple(entry["change"]["actions"]), "importing" in entry["change"])
            for entry in document.get("resource_changes", [])
            if entry["change"]["actions"] not in (["no-op"], ["read"]) or "importing" in entry["change"]]


def _require(result) -> None:
    if not result.ok:
        raise TerraformFailed(f"terraform {result.command} failed (exit {result.returncode})")
