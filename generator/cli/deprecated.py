"""Old spellings of options: they keep working for one release, and each use warns naming the new spelling.

An old spelling is added with ``action=DeprecatedSpelling`` and ``instead="NEW SPELLING"``; it sets the new
option's destination (``value`` for a flag, the given value otherwise, appended with ``append=True``) and is hidden
from ``--help`` and from the generated CLI reference. :func:`warnings_of` lists what was used, for ``main`` to print.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from typing import Any

#: The attribute of the parsed arguments that collects the warnings.
_WARNINGS = "deprecation_warnings"


class DeprecatedSpelling(argparse.Action):
    """An old spelling of an option (see the module docstring)."""

    def __init__(
        self,
        option_strings: Sequence[str],
        dest: str,
        *,
        instead: str,
        value: Any = None,
        append: bool = False,
        **kwargs: Any,
    ) -> None:
        if value is not None:
            kwargs["nargs"] = 0
        super().__init__(option_strings, dest, help=argparse.SUPPRESS, **kwargs)
        self.instead = instead
        self.value = value
        self.append = append

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: str | Sequence[Any] | None,
        option_string: str | None = None,
    ) -> None:
        warnings: list[str] = list(getattr(namespace, _WARNINGS, None) or [])
        warnings.append(f"{option_string} is deprecated and will be removed in the next release; use {self.instead}")
        setattr(namespace, _WARNINGS, warnings)
        value = self.value if self.value is not None else values
        if self.append:
            setattr(namespace, self.dest, [*(getattr(namespace, self.dest, None) or []), value])
        else:
            setattr(namespace, self.dest, value)


def warnings_of(arguments: argparse.Namespace) -> list[str]:
    """The deprecation warnings of the old spellings ``arguments`` were given with."""
    return list(getattr(arguments, _WARNINGS, None) or [])
