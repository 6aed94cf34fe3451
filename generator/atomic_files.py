"""Files written so that a reader sees the old content or the new one, never a part: the content goes to a
temporary file beside the target (unique to the writer), which is then renamed over it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def staged(target: Path, content: str, mode: int = 0o644) -> Path:
    """``content`` written to a new temporary file beside ``target`` (directories created); its path. The caller
    renames it over ``target`` (or removes it)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temporary = Path(name)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(content)
        temporary.chmod(mode)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary


def write_atomically(target: Path, content: str, mode: int = 0o644) -> None:
    """Write one file so that readers see the old content or the new one, never a part."""
    staged(target, content, mode).replace(target)
