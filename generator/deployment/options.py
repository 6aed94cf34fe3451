"""What a plan or an apply is asked to do: the command line's choices as plain values."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PlanOptions:
    """``mlenv plan``'s choices."""

    #: Plan only these roots (names; empty: every root).
    roots: tuple[str, ...] = ()
    #: Plan only the roots one of whose inputs changed since this git revision.
    changed_since: str | None = None
    #: Environment roots planned at once (lowered to what the request budget allows).
    jobs: int = 4
    #: Read the workspace before planning (Terraform's refresh).
    refresh: bool = True
    #: Import what exists but is not in the state, and keep what an apply created but could not read back.
    adopt: bool = False
    #: Consent to adopting existing production models.
    include_production: bool = False
    #: One-time move: the shared root forgets what the environments' own roots manage since ``state:
    #: per_environment``.
    split_state: bool = False
    #: One-time move: the state forgets the Workspace Model Registry setup's workspace-level identities.
    forget_workspace_identities: bool = False


@dataclass(frozen=True)
class ApplyOptions:
    """``mlenv apply``'s choices."""

    #: Apply only these roots' saved plans (names; empty: every saved plan).
    roots: tuple[str, ...] = ()
    #: Environment roots applied at once (lowered to what the request budget allows).
    jobs: int = 4
    #: Apply deletes and replaces of data (deletions of access alone need no consent).
    allow_destroy: bool = False
    #: Also delete a production archive's data.
    include_production: bool = False
