"""What a lookup of a declared object in the workspace finds: :class:`ExistingObject`, and lookups run concurrently.

An object that exists but is not in Terraform's state was created outside Terraform, or by an apply that died (or
lost the workspace's answer) after creating it and before saving the state. Creating it again fails with "already
exists"; importing it (``mlenv adopt``) converges. A production model that exists before Terraform managed it may
have been created by anyone, who could then have registered versions: adopting one needs consent, and what was
found in it is listed either way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Literal

from generator.addresses import ImportTarget
from generator.terminal import Counter

#: What an existing object is; Unity Catalog mode adds catalogs, schemas and the grants on them.
ObjectKind = Literal["group", "registered_model", "catalog", "schema", "grants"]


@dataclass(frozen=True, order=True)
class ExistingObject:
    """A declared object that already exists in the workspace; ``versions`` describe what was found (for consent)."""

    environment: str
    kind: ObjectKind
    name: str
    address: str
    import_id: str
    production: bool = False
    versions: tuple[str, ...] = ()

    def import_target(self) -> ImportTarget:
        """Where Terraform imports it, and what it is (for the comment above the import block)."""
        return ImportTarget(self.address, self.import_id, f"{self.kind} {self.name} ({self.environment})")


#: One lookup: the objects it finds (none when the object does not exist).
Lookup = Callable[[], list[ExistingObject]]


def run_lookups(lookups: Sequence[Lookup], concurrency: int) -> list[ExistingObject]:
    """Run ``lookups``, at most ``concurrency`` at a time, with a progress counter; everything they found, sorted."""
    lock = threading.Lock()
    found: list[ExistingObject] = []
    progress = Counter("declared objects looked up in the workspace", len(lookups))

    def look(lookup: Lookup) -> None:
        existing = lookup()
        progress.step()
        with lock:
            found.extend(existing)

    with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
        list(pool.map(look, lookups))
    progress.finish()
    return sorted(found)


def production_models(existing: list[ExistingObject]) -> list[ExistingObject]:
    """The existing objects that are production registered models (adopting them needs consent)."""
    return [item for item in existing if item.production and item.kind == "registered_model"]


def describe_production_model(item: ExistingObject) -> str:
    """One line for the consent to adopt an existing production model: its name and what was found in it."""
    return f"production model {item.name} already exists: " + ("; ".join(item.versions) or "no versions")
