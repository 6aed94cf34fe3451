"""One table writer for every table mlenv prints or writes: aligned text, Markdown and CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Table:
    """Headings and rows of text cells; the same table written for a terminal, a Markdown file or a spreadsheet."""

    headings: Sequence[str]
    rows: Sequence[Sequence[str]]

    def text(self) -> str:
        """Columns padded to their widest cell, two spaces apart, trailing spaces removed; ends with a newline."""
        every = [self.headings, *self.rows]
        widths = [max(len(row[index]) for row in every) for index in range(len(self.headings))]
        return (
            "\n".join(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip() for row in every
            )
            + "\n"
        )

    def markdown(self) -> list[str]:
        """The lines of a Markdown (GitHub-flavoured) table; cells are written as given."""
        return [
            _markdown_row(self.headings),
            "|" + "---|" * len(self.headings),
            *(_markdown_row(row) for row in self.rows),
        ]

    def csv(self) -> str:
        """CSV with the headings as the first row, ``\\n`` line ends."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(self.headings)
        writer.writerows(self.rows)
        return buffer.getvalue()


def code(value: str) -> str:
    """``value`` as inline code in a Markdown cell."""
    return f"`{value}`"


def code_list(values: Sequence[str]) -> str:
    """Values as comma-separated inline code."""
    return ", ".join(code(value) for value in values)


def _markdown_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"
