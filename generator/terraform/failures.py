"""Why a Terraform command failed, read from its output: one table of causes, one error per cause.

Each line of Terraform's error output has at most one cause (:data:`CAUSES`, the first match in order); the error
mlenv raises depends on the causes found and on whether an apply was running (:func:`raise_for`):

- stale plan (``Saved plan is stale``, on apply): :class:`Refused`, another run applied in between;
- backend changed (``Backend configuration changed``): :class:`Refused`, naming ``mlenv init --migrate-state`` and
  ``--reconfigure`` for that root and what each means;
- locked (``Error acquiring the state lock``): :class:`Refused`, naming the holder and the lock ID;
- interrupted (the workspace throttled, failed or dropped a request beyond the provider's retries) or exists (an
  object already exists): on apply, when every error is one of these, :class:`ApplyIncomplete` (rerun plan, apply);
- unconfigured (credentials), unreachable (host, network, TLS, proxy) or interrupted outside an apply:
  :class:`WorkspaceUnreachable`;
- anything else: :class:`TerraformFailed` (exit 1; Terraform's output was streamed above).
"""

from __future__ import annotations

import re
from enum import Enum
from typing import NoReturn

from generator.errors import ApplyIncomplete, Refused, TerraformFailed, WorkspaceUnreachable
from generator.paths import ENVIRONMENT_ROOTS_DIRECTORY
from generator.terraform.runner import StepResult


class Cause(Enum):
    """What a line of Terraform's error output says went wrong."""

    STALE_PLAN = "the saved plan is stale"
    BACKEND_CHANGED = "the root's backend block changed since its working directory was initialised"
    LOCKED = "the state is locked"
    UNCONFIGURED = "the provider cannot authenticate"
    UNREACHABLE = "the workspace cannot be reached"
    INTERRUPTED = "the workspace throttled, failed or dropped a request"
    EXISTS = "an object already exists"


#: Every cause and what shows it, in the order lines are matched: each pattern appears once.
CAUSES: tuple[tuple[Cause, re.Pattern[str]], ...] = (
    (Cause.STALE_PLAN, re.compile(r"Saved plan is stale")),
    (Cause.BACKEND_CHANGED, re.compile(r"Backend configuration changed|Backend initialization required")),
    (Cause.LOCKED, re.compile(r"Error acquiring the state lock")),
    (
        Cause.UNCONFIGURED,
        re.compile(
            r"ConfigureProvider|Plugin did not respond|cannot configure default credentials|invalid access token|"
            r"Unauthorized|status code 401|status code 403",
            re.IGNORECASE,
        ),
    ),
    (
        Cause.UNREACHABLE,
        re.compile(r"no such host|connection refused|certificate signed by unknown authority|proxyconnect", re.I),
    ),
    (
        Cause.INTERRUPTED,
        re.compile(
            r'": EOF$|connection reset by peer|broken pipe|status code 429|too many requests|TEMPORARILY_UNAVAILABLE|'
            r"status code 503|service unavailable|i/o timeout|context deadline exceeded|request timed out",
            re.IGNORECASE,
        ),
    ),
    (Cause.EXISTS, re.compile(r"already exists|RESOURCE_ALREADY_EXISTS", re.IGNORECASE)),
)

#: The fields of the lock holder Terraform prints under "Lock Info:" when it cannot acquire the state lock.
_LOCK_FIELD = re.compile(r"^\s*(ID|Operation|Who|Created):\s*(.+?)\s*$")


def cause_of(line: str) -> Cause | None:
    """The cause a line of Terraform's output shows, if any."""
    return next((cause for cause, pattern in CAUSES if pattern.search(line)), None)


def raise_for(result: StepResult, failed: str, host: str = "", applying: bool = False) -> NoReturn:
    """Raise the error for a failed Terraform command (see the module's table); ``failed`` is the message of a
    failure with no recognised cause; ``host`` names the workspace; ``applying``: an apply was running."""
    lines = [raw.strip(" │╷╵") for raw in result.stderr_tail]
    causes = [(cause_of(line), line) for line in lines]
    found = {cause for cause, _ in causes}
    if applying and Cause.STALE_PLAN in found:
        raise Refused(
            "the state changed after the saved plan was made (another run applied in the meantime), so Terraform "
            "applied nothing from it; run 'mlenv plan' again to see what is left"
        )
    if Cause.BACKEND_CHANGED in found:
        option = _root_option(result.directory)
        raise Refused(
            f"terraform {result.command} in {result.directory}: its backend block changed since its working directory "
            f"was initialised. 'mlenv init{option} --migrate-state' carries its state from the old place to the new "
            f"one (a moved bucket or key, the same state); 'mlenv init{option} --reconfigure' starts from whatever "
            "state the new place holds and leaves the old one where it is (a state already moved, or a new key that "
            "is meant to start empty, as the shared root's after the move to per-environment state)"
        )
    if Cause.LOCKED in found:
        _raise_locked(result.command, lines, _root_option(result.directory))
    if applying:
        _raise_if_interrupted(causes, host)
    reason = next((line for cause, line in causes if cause in _UNAVAILABLE), None)
    if reason:
        raise WorkspaceUnreachable(
            f"terraform {result.command} could not configure the Databricks provider: {reason[:200]}; check "
            "DATABRICKS_HOST, the credentials and the network (Terraform's output above has the details)"
        )
    raise TerraformFailed(failed)


#: Causes that mean the workspace, not the configuration, stopped the command.
_UNAVAILABLE = (Cause.UNCONFIGURED, Cause.UNREACHABLE, Cause.INTERRUPTED)


def _root_option(directory: str) -> str:
    """`` --env NAME`` of the root whose working directory Terraform ran in (``roots/NAME``), else nothing."""
    return f" --env {directory.rpartition('/')[2]}" if directory.startswith(f"{ENVIRONMENT_ROOTS_DIRECTORY}/") else ""


def _raise_locked(command: str, lines: list[str], option: str) -> NoReturn:
    """:class:`Refused` naming the holder: another plan or apply of the same state is running, or one died holding
    a remote backend's lock."""
    fields: dict[str, str] = {}
    for line in lines:
        match = _LOCK_FIELD.match(line)
        if match:
            fields.setdefault(match[1], match[2])
    holder = ", ".join(f"{key.lower()} {fields[key]}" for key in ("Who", "Operation", "Created") if key in fields)
    lock_id = fields.get("ID", "<ID>")
    raise Refused(
        f"terraform {command}: the state is locked by another run ({holder or 'holder unknown'}; lock ID "
        f"{lock_id}); nothing was changed by this one. Wait for that run to finish, then run 'mlenv plan' again; "
        f"if it died, release its lock with 'mlenv terraform{option} -- force-unlock -force {lock_id}'"
    )


def _raise_if_interrupted(causes: list[tuple[Cause | None, str]], host: str) -> None:
    """:class:`ApplyIncomplete` when every error of an apply came from the workspace, not from the plan."""
    errors = [(cause, line) for cause, line in causes if line.startswith("Error:")]
    if not errors or any(cause not in (Cause.INTERRUPTED, Cause.EXISTS) for cause, _ in errors):
        return
    where = host or "the workspace"
    stopped = [line for cause, line in errors if cause is Cause.INTERRUPTED]
    if stopped:
        raise ApplyIncomplete(
            f"terraform apply stopped part way: {where} throttled, failed or dropped the connection on "
            f"{len(stopped)} requests ({stopped[0][:160]}). What was applied is in the state; an object whose "
            "creation lost its answer may exist without being in it. Rerun 'mlenv plan' (it finds such objects "
            "and says how to adopt them), then 'mlenv apply'"
        )
    existing = [line for _, line in errors]
    raise ApplyIncomplete(
        f"terraform apply found {len(existing)} objects that already exist in {where} but not in the state "
        f"({existing[0][:160]}): an earlier apply was interrupted after creating them, or they were made by "
        "hand. Run 'mlenv plan' (it lists them and how to adopt them), then 'mlenv apply'"
    )
