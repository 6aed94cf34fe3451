"""Write a set of generated files atomically and tell which files on disk are stale."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.atomic_files import staged
from generator.paths import GENERATED_GLOBS
from generator.render.header import GENERATED_MARKER


@dataclass(frozen=True)
class OutputChanges:
    """Files that differ between a render and the disk."""

    changed: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def stale(self) -> tuple[str, ...]:
        """Every path that a render would write or delete, sorted."""
        return tuple(sorted(self.changed + self.removed))


def compare_outputs(root: Path, files: dict[str, str]) -> OutputChanges:
    """What writing ``files`` under ``root`` would change."""
    changed = tuple(sorted(path for path, content in files.items() if _read(root / path) != content))
    removed = tuple(sorted(path for path in _generated_on_disk(root) if path not in files))
    return OutputChanges(changed, removed)


def write_outputs(root: Path, files: dict[str, str]) -> OutputChanges:
    """Write ``files`` and delete generated files that are no longer produced.

    Every new file is first written next to its target and only then renamed over it, so
    a failure while writing leaves the previous files intact.
    """
    changes = compare_outputs(root, files)
    written: list[tuple[Path, Path]] = []
    try:
        for path in changes.changed:
            written.append((staged(root / path, files[path]), root / path))
    except BaseException:
        for temporary, _ in written:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target in written:
        temporary.replace(target)
    for path in changes.removed:
        (root / path).unlink()
    return changes


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _generated_on_disk(root: Path) -> list[str]:
    found = []
    for pattern in GENERATED_GLOBS:
        for path in root.glob(pattern):
            if path.is_file() and GENERATED_MARKER in path.read_text(encoding="utf-8", errors="replace")[:500]:
                found.append(path.relative_to(root).as_posix())
    return found
