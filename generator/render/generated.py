"""Every generated file of checked manifests: Terraform, its test, permission files, JSON Schemas."""

from __future__ import annotations

from generator.manifests.archives import record_text
from generator.manifests.json_schema import render_schemas
from generator.model.checked import Checked
from generator.render.header import generated_header
from generator.render.permission_files import render_reports
from generator.render.terraform_root import render_terraform

#: The module the JSON Schemas are generated from, named in their header.
SCHEMA_SOURCE = "generator/manifests/manifest.py"


def render_files(checked: Checked) -> dict[str, str]:
    """Every generated file (Terraform, Terraform test, permission files, JSON Schemas), by relative path."""
    files = render_terraform(checked.manifests, checked.model, generated_header)
    files.update(render_reports(checked.manifests, checked.model, generated_header))
    files.update(render_schemas(generated_header((SCHEMA_SOURCE,), None)))
    for archive in checked.manifests.archives:
        if not archive.recorded:  # retired since the last render: its record, written once, is an input from now on
            files[archive.source] = record_text(archive, checked.model.archive_reach)
    return dict(sorted(files.items()))
