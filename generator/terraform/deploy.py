"""``mlenv plan`` and ``mlenv apply`` of one root: Terraform with a saved plan and a guard against deletions.

``plan`` runs ``terraform init`` and ``terraform plan -out`` in the root's directory, and records a fingerprint
of every input of the root next to the saved plan (both under ``.mlenv/``). ``apply`` refuses a missing plan or
one made from other inputs, lists every delete or replace of data in the plan and refuses them unless consented to
(deleting access alone, as when an environment retires, needs no consent). Every function takes the repository and
the :class:`~generator.manifests.roots.Root`.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
from pathlib import Path
from typing import Any

from python_terraform import IsFlagged

from generator.errors import Refused, TerraformFailed
from generator.manifests.roots import Root
from generator.terraform.failures import raise_for
from generator.terraform.plan_changes import Change, DestroyConsent, StateSteps, refuse_destruction
from generator.terraform.runner import StepResult, TerraformRunner


def fingerprint(repository: Path, root: Root) -> str:
    """SHA-256 over every input of the root's plan: its manifests, ``*.tf`` and ``*.tfvars``, the modules it calls."""
    digest = hashlib.sha256()
    for path in root.inputs(repository):
        digest.update(path.encode() + b"\0" + (repository / path).read_bytes() + b"\0")
    return digest.hexdigest()


def init(repository: Path, root: Root, runner: TerraformRunner) -> None:
    """The start of a plan: discard the previous saved plan (an interrupted plan leaves none behind), then
    ``terraform init`` of the root (before :func:`state_resources` and :func:`plan`)."""
    (repository / root.plan_directory).mkdir(parents=True, exist_ok=True)
    discard_saved_plan(repository, root)
    _require(runner.run(repository / root.directory, "init", input=False))


#: No state steps, no consent: the defaults.
NO_STEPS = StateSteps()
NO_CONSENT = DestroyConsent()


def plan(
    repository: Path, root: Root, runner: TerraformRunner, refresh: bool = True, steps: StateSteps = NO_STEPS
) -> list[Change]:
    """Plan into the root's saved plan (after :func:`init`) and record the inputs' fingerprint and the state
    ``steps`` the apply carries out first; return the planned changes. Nothing here writes state."""
    discard_saved_plan(repository, root)
    changes = _plan_into_saved_plan(repository, root, runner, refresh, "nothing was saved")
    recorded: dict[str, Any] = {"fingerprint": fingerprint(repository, root)}
    if steps:
        recorded["steps"] = {"forget": list(steps.forget), "untaint": list(steps.untaint), "refresh": refresh}
    (repository / root.saved_plan_record).write_text(json.dumps(recorded) + "\n", encoding="utf-8")
    return changes


def prepare_apply(
    repository: Path, root: Root, runner: TerraformRunner, consent: DestroyConsent = NO_CONSENT
) -> list[Change]:
    """Check the root's saved plan before anything is applied: current, and deleting no data without ``consent``;
    return its changes.

    Terraform is initialised first: a pipeline applies the plan on another runner than the one that
    made it, in a fresh checkout with only ``.mlenv/`` carried over (``init`` is a no-op otherwise).
    """
    verify_saved_plan(repository, root)
    _require(runner.run(repository / root.directory, "init", input=False))
    changes = read_changes(repository, root, runner)
    steps = recorded_steps(repository, root)
    refuse_destruction(root, [change for change in changes if not steps.covers(change.address)], consent)
    return changes


def apply(repository: Path, root: Root, runner: TerraformRunner, host: str = "") -> None:
    """Apply the root's saved plan (after :func:`prepare_apply`), then retire it.

    An apply that the workspace ``host`` stopped part way (throttling or server errors beyond the
    provider's retries, a dropped connection, an object that already exists) raises
    :class:`ApplyIncomplete`, which says what to rerun.
    """
    steps = recorded_steps(repository, root)
    if steps:
        _carry_out(repository, root, runner, steps)
    result = runner.run(repository / root.directory, "apply", _from_root(root, root.saved_plan), input=False)
    if not result.ok:
        raise_for(result, f"terraform apply failed (exit {result.returncode})", host, applying=True)
    (repository / root.saved_plan_record).write_text(json.dumps({"applied": True}) + "\n", encoding="utf-8")


def recorded_steps(repository: Path, root: Root) -> StateSteps:
    """The state steps the root's saved plan recorded (none when it recorded none)."""
    try:
        steps = json.loads((repository / root.saved_plan_record).read_text(encoding="utf-8")).get("steps") or {}
    except (OSError, ValueError):
        return StateSteps()
    return StateSteps(tuple(steps.get("forget", ())), tuple(steps.get("untaint", ())), steps.get("refresh", True))


def _carry_out(repository: Path, root: Root, runner: TerraformRunner, steps: StateSteps) -> None:
    """Apply time: forget and untaint what the reviewed plan recorded, plan again from that state and refuse unless
    the new plan makes exactly the reviewed changes (those of the steps' addresses aside), so that what is applied
    is what was reviewed."""
    reviewed = {(change.address, change.actions) for change in read_changes(repository, root, runner)}
    if steps.forget:
        _require(runner.run(repository / root.directory, "state rm", *steps.forget))
    for address in steps.untaint:
        _require(runner.run(repository / root.directory, "untaint", address))
    changes = _plan_into_saved_plan(repository, root, runner, steps.refresh, "after the recorded state steps")
    replanned = {(change.address, change.actions) for change in changes}
    differs = {item for item in reviewed ^ replanned if not steps.covers(item[0])}
    if differs:
        discard_saved_plan(repository, root)
        listing = "; ".join(f"{' '.join(actions)} {address}" for address, actions in sorted(differs))
        raise Refused(
            f"the state steps of the saved plan{root.of} were carried out (forgot {len(steps.forget)}, kept "
            f"{len(steps.untaint)}), but planned again the changes differ from the reviewed ones ({listing}): "
            "run 'mlenv plan' again and review it"
        )


def _plan_into_saved_plan(
    repository: Path, root: Root, runner: TerraformRunner, refresh: bool, when: str
) -> list[Change]:
    """``terraform plan -out`` into the root's saved plan; its changes. ``when`` ends the failure's message."""
    result = runner.run(
        repository / root.directory,
        "plan",
        input=False,
        out=_from_root(root, root.saved_plan),
        detailed_exitcode=IsFlagged,
        refresh=None if refresh else False,
    )
    if result.returncode not in (0, 2):
        raise_for(result, f"terraform plan{root.of} failed (exit {result.returncode}); {when}")
    return read_changes(repository, root, runner)


def state_resources(repository: Path, root: Root, runner: TerraformRunner) -> list[dict[str, Any]]:
    """Every resource in the root's state (after :func:`init`), as ``terraform show -json`` describes it."""
    code, out = runner.capture(repository / root.directory, "show", "-json")
    if code != 0:
        raise TerraformFailed(f"terraform show failed on the state (exit {code})")
    resources: list[dict[str, Any]] = []
    modules = [json.loads(out).get("values", {}).get("root_module", {})]
    while modules:
        module = modules.pop()
        resources += module.get("resources", [])
        modules += module.get("child_modules", [])
    return resources


def tainted_resources(resources: list[dict[str, Any]]) -> list[str]:
    """The addresses of the ``resources`` the state marks tainted: an apply created them but failed right after
    (the provider could not read them back), so the next plan would replace them."""
    return sorted(resource["address"] for resource in resources if resource.get("tainted"))


def discard_saved_plan(repository: Path, root: Root) -> None:
    """Remove the root's saved plan and its record: ``apply`` refuses until the next ``plan``."""
    (repository / root.saved_plan_record).unlink(missing_ok=True)
    (repository / root.saved_plan).unlink(missing_ok=True)


def has_saved_plan(repository: Path, root: Root) -> bool:
    """Whether a saved plan (complete or not) of the root is there to apply."""
    return (repository / root.saved_plan).is_file() or (repository / root.saved_plan_record).is_file()


def verify_saved_plan(repository: Path, root: Root) -> None:
    """Raise :class:`Refused` unless a complete saved plan exists and was made from the current inputs."""
    record = repository / root.saved_plan_record
    if not (repository / root.saved_plan).is_file():
        raise Refused(f"no saved plan{root.of}: run 'mlenv plan' first")
    if not record.is_file():
        raise Refused(
            f"the saved plan {root.saved_plan} is incomplete: the plan that wrote it did not finish (interrupted "
            "or failed); run 'mlenv plan' again"
        )
    recorded = json.loads(record.read_text(encoding="utf-8"))
    if recorded.get("applied"):
        raise Refused(f"the saved plan{root.of} was applied already: run 'mlenv plan' to see what is left to change")
    if recorded.get("fingerprint") != fingerprint(repository, root):
        raise Refused(
            f"the saved plan{root.of} was made from other manifests or Terraform files: run 'mlenv plan' again"
        )


def read_changes(repository: Path, root: Root, runner: TerraformRunner) -> list[Change]:
    """The resource changes of the saved plan (``terraform show -json``); no-ops left out unless they import."""
    code, out = runner.capture(repository / root.directory, "show", "-json", _from_root(root, root.saved_plan))
    if code != 0:
        raise TerraformFailed(f"terraform show failed on {root.saved_plan} (exit {code})")
    document = json.loads(out)
    return [
        Change(
            entry["address"], tuple(entry["change"]["actions"]), "importing" in entry["change"], entry.get("type", "")
        )
        for entry in document.get("resource_changes", [])
        if entry["change"]["actions"] not in (["no-op"], ["read"]) or "importing" in entry["change"]
    ]


def _from_root(root: Root, path: str) -> str:
    """``path`` (relative to the repository) as Terraform, running in the root's directory, reaches it."""
    return posixpath.relpath(path, root.directory)


def _require(result: StepResult) -> None:
    if not result.ok:
        raise_for(result, f"terraform {result.command} failed (exit {result.returncode})")
