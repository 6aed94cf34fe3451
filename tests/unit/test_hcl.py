"""Strings written into HCL evaluate, in real Terraform, to exactly the original text."""

from __future__ import annotations

from generator.render.hcl import Expression, hcl_attributes, hcl_value

TRICKY = [
    "plain",
    'quote " inside',
    "back\\slash",
    "interp ${var.x}",
    "directive %{if true}x%{endif}",
    "line\nbreak",
    "tab\there",
    "dollar $ and percent % alone",
    "unicode ☃ é",
    "$${already}",
    "\\n literal",
    "ends with backslash \\",
]


def test_values_and_alignment_follow_terraform_fmt():
    text = hcl_attributes(
        [("a", "x"), ("long_name", True), ("m", {"k": ["v"], "1x": {}}), ("b", 1), ("expr", Expression("module.a.id"))],
        1,
    )
    assert text == (
        '  a         = "x"\n'
        "  long_name = true\n"
        "  m = {\n"
        '    k    = ["v"]\n'
        '    "1x" = {}\n'
        "  }\n"
        "  b    = 1\n"
        "  expr = module.a.id"
    )
    assert hcl_value([{"a": "b"}]) == '[\n  {\n    a = "b"\n  },\n]'
    assert hcl_value({"true": 1}) == '{\n  "true" = 1\n}'
