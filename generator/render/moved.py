"""The file ``mlenv plan --move split-state`` writes in the shared root: one ``removed`` block (``destroy = false``) per
module call of an environment that the single root managed and that environment's own root now manages."""

from __future__ import annotations

from generator.render.terraform_common import templates

_HEADER = (
    "# Written by `mlenv plan --move split-state` when the repository moved from state: single to state:",
    "# per_environment: the shared root forgets each environment's module calls, and deletes nothing; every",
    "# environment's own root imports them (mlenv_imports.tf there). Keep it until every root is applied;",
    "# `mlenv render` never touches it.",
)


def render_moved(addresses: list[str]) -> str:
    """The removed blocks for ``addresses`` (module calls), sorted, after the header."""
    blocks = templates().get_template("removed_blocks.tf.j2").render(archived=sorted(addresses))
    return "\n".join(_HEADER) + "\n" + blocks
