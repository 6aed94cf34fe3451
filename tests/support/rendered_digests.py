"""The SHA-256 of every file ``mlenv render`` writes, for each registry, state layout and identity mode.

``tests/unit/test_rendered_digests.py`` compares a fresh render of each configuration with the digests recorded in
``tests/unit/rendered_digests.json``, so that a restructuring of the renderers is proven to change no byte.
A change meant to alter generated files records them again::

    python -m tests.support.rendered_digests > tests/unit/rendered_digests.json
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path

from generator.model.checked import load_and_check
from generator.render.generated import render_files

REPOSITORY = Path(__file__).resolve().parents[2]

#: A remote backend whose key names each root, as ``state: per_environment`` needs.
_BACKEND = """\
backend:
  type: s3
  config:
    bucket: mlenv-state
    key: mlenv/{env}.tfstate
    region: eu-west-1
    use_lockfile: true
"""

#: Each configuration: the manifests it starts from, the identity mode it switches to (``None``: as they say) and
#: whether each environment gets its own root.
CONFIGURATIONS: dict[str, tuple[str, str | None, bool]] = {
    "workspace-registry/single": ("environments", None, False),
    "workspace-registry/per-environment": ("environments", None, True),
    "unity-catalog/account/single": ("examples/unity-catalog/environments", None, False),
    "unity-catalog/account/per-environment": ("examples/unity-catalog/environments", None, True),
    "unity-catalog/external/single": ("examples/unity-catalog/environments", "external", False),
    "unity-catalog/external/per-environment": ("examples/unity-catalog/environments", "external", True),
}


def _settings_text(original: str, identities: str | None, per_environment: bool) -> str:
    if identities is not None:
        assert "identities: account\n" in original
        original = original.replace("identities: account\n", f"identities: {identities}\n")
    return original + ("state: per_environment\n" + _BACKEND if per_environment else "")


def rendered_digests(configuration: str, scratch: Path) -> dict[str, str]:
    """Render ``configuration`` in a repository laid out under ``scratch``; the digest of each file, by path."""
    manifests, identities, per_environment = CONFIGURATIONS[configuration]
    root = scratch / configuration.replace("/", "-")
    shutil.copytree(REPOSITORY / manifests, root / "environments")
    shutil.copy2(REPOSITORY / "versions.tf", root / "versions.tf")
    settings = root / "environments/workspace.yaml"
    settings.write_text(
        _settings_text(settings.read_text(encoding="utf-8"), identities, per_environment), encoding="utf-8"
    )
    files = render_files(load_and_check(root))
    return {path: hashlib.sha256(text.encode("utf-8")).hexdigest() for path, text in sorted(files.items())}


def all_digests() -> dict[str, dict[str, str]]:
    """The digests of every configuration."""
    with tempfile.TemporaryDirectory() as scratch:
        return {name: rendered_digests(name, Path(scratch)) for name in CONFIGURATIONS}


if __name__ == "__main__":
    json.dump(all_digests(), sys.stdout, indent=1, sort_keys=True)
    sys.stdout.write("\n")
