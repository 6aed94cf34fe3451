"""The Terraform of a retired environment's archive, the same for every registry: one module call holding its
data, ``moved`` blocks from the environment's module calls, and ``removed`` blocks that forget (never delete) its
service principals. With ``delete: true`` in the record the file declares nothing, so the data is deleted."""

from __future__ import annotations

from typing import Any

from generator.addresses import archive_call, archive_module_source
from generator.manifests.archives import Archive
from generator.render.hcl import hcl_body
from generator.render.registry import RenderInputs
from generator.render.terraform_common import Block, templates

#: ``(from, to)``: one address the archive takes over.
Move = tuple[str, str]


def archive_file(
    inputs: RenderInputs,
    archive: Archive,
    module_directory: str,
    arguments: list[tuple[str, Any]],
    moves: list[Move],
    forgotten: list[str],
    kept: list[Block] | None = None,
) -> str:
    """The file of ``archive``: a call of ``module_directory`` with ``arguments``, the ``moves`` into it, the
    ``forgotten`` addresses and the ``kept`` calls of the environment (emptied)."""
    call = archive_call(archive.name)
    source = archive_module_source(module_directory, inputs.layout.directory(archive.name))
    return (
        templates()
        .get_template("archive.tf.j2")
        .render(
            header=inputs.header(inputs.manifests.sources_of(archive), "#"),
            archive=archive,
            keepers=inputs.model.archive_reach,
            call=call,
            body=hcl_body([[("source", source)], arguments]),
            moves=[(before, after.replace("{call}", f"module.{call}")) for before, after in moves],
            archived=forgotten,
            kept=kept or [],
        )
    )
