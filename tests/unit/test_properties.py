"""Property-based tests over random manifests (hypothesis)."""

from __future__ import annotations

import contextlib
import io
import re
import tempfile
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.cli import main
from generator.model.checked import load_and_check
from generator.model.effective_access import effective_access
from generator.model.levels import MEMBER
from generator.model.policy import check_policy
from generator.render.generated import render_files

ENV_NAMES = st.from_regex(r"[a-z][a-z0-9]{1,7}", fullmatch=True)
MODEL_NAMES = st.from_regex(r"[a-z][a-z0-9_-]{0,10}[a-z0-9]", fullmatch=True)
GROUPS = st.from_regex(r"team-[a-z0-9]{1,8}", fullmatch=True)
TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc")) | st.sampled_from('\n\t"\\${}%'), max_size=40)


@st.composite
def workspaces(draw) -> dict[str, dict]:
    """A dict of environment name -> manifest data that is valid by construction."""
    names = draw(st.lists(ENV_NAMES, min_size=1, max_size=4, unique=True))
    manifests = {}
    for name in names:
        models = draw(
            st.lists(MODEL_NAMES.filter(lambda m: not any(m.endswith(f"_{n}") for n in names)), max_size=5, unique=True)
        )
        entries = []
        for model in models:
            if draw(st.booleans()):
                entries.append(model)
            else:
                entry = {"name": model, "readers": draw(st.lists(GROUPS, max_size=2, unique=True))}
                description = draw(st.none() | TEXT)
                if description is not None:
                    entry["description"] = description
                entries.append(entry)
        manifests[name] = {
            "production": draw(st.booleans()),
            "service_principals": [
                {
                    "application_id": str(draw(st.uuids().filter(lambda u: u.int != 0))),
                    "display_name": f"{name}-runner-{i}",
                }
                for i in range(draw(st.integers(0, 2)))
            ],
            "models": entries,
            "experiment_readers": draw(st.lists(GROUPS, max_size=2, unique=True)),
        }
    return manifests


def _write(root: Path, manifests: dict[str, dict]) -> None:
    (root / "environments").mkdir(parents=True)
    for name, data in manifests.items():
        (root / "environments" / f"{name}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


PROPERTY_SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(workspaces())
def test_valid_manifests_render_deterministically_and_keep_the_invariants(manifests):
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        _write(root, manifests)
        checked = load_and_check(root)
        first = render_files(checked)
        second = render_files(load_and_check(root))
    assert first == second
    model = checked.model
    assert check_policy(model) == []
    production = {name for name, facts in model.environments.items() if facts.production}
    for grant in model.grants:
        facts = model.environments[grant.environment]
        if grant.implicit or grant.object_type == "group":
            continue
        if grant.environment in production:
            assert grant.principal == facts.group or grant.permission_level == "CAN_READ"
            assert not grant.principal.startswith("apps_") or grant.principal == facts.group
        if grant.object_type == "registered_model" and grant.principal == facts.group:
            expected = "CAN_MANAGE_PRODUCTION_VERSIONS" if facts.production else "CAN_MANAGE_STAGING_VERSIONS"
            assert grant.permission_level == expected
    principal_environment = {
        principal: name for name, facts in model.environments.items() for principal in (*facts.principals, facts.group)
    }
    for reach in effective_access(model):  # through any chain of groups, a runner reaches only its own objects
        home = principal_environment.get(reach.principal)
        assert home is None or reach.environment == home, reach
    for name, data in manifests.items():
        terraform = first[f"mlenv_{name}.tf"]
        explicit_access = [g for g in model.for_environment(name) if not g.implicit and g.object_type != "group"]
        assert terraform.count("permission_level") == len(explicit_access)
        members = [g for g in model.for_environment(name) if g.object_type == "group" and g.object != "apps_all"]
        assert len(members) == len(data["service_principals"])
        assert all(g.permission_level == MEMBER for g in members)
        assert "${" not in terraform.replace("$${", "")
        assert re.search(r"(?<!%)%\{", terraform) is None


CORRUPTIONS = st.sampled_from(
    ["unknown_key", "production_text", "bad_model", "list_document", "bad_bytes", "bad_uuid", "reader_env_group"]
)


@PROPERTY_SETTINGS
@given(workspaces(), CORRUPTIONS, st.data())
def test_invalid_manifests_exit_2_naming_the_file(manifests, corruption, data):
    victim = data.draw(st.sampled_from(sorted(manifests)))
    manifest = manifests[victim]
    raw: bytes | None = None
    if corruption == "unknown_key":
        manifest[data.draw(st.from_regex(r"x_[a-z]{1,8}", fullmatch=True))] = data.draw(TEXT)
    elif corruption == "production_text":
        manifest["production"] = data.draw(TEXT | st.integers())
    elif corruption == "bad_model":
        manifest["models"] = [
            data.draw(TEXT.filter(lambda t: re.fullmatch(r"[a-z][a-z0-9_-]{0,62}[a-z0-9]", t) is None))
        ]
    elif corruption == "list_document":
        raw = yaml.safe_dump([manifest]).encode()
    elif corruption == "bad_bytes":
        raw = (
            b"production: false\ndescription: "
            + data.draw(st.binary(min_size=1, max_size=8)).replace(b"\n", b"")
            + b"\xff\xfe\n"
        )
    elif corruption == "bad_uuid":
        manifest["service_principals"] = [{"application_id": data.draw(st.text(max_size=20))}]
    else:
        manifest["experiment_readers"] = [f"apps_{victim}"]
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        _write(root, manifests)
        if raw is not None:
            (root / "environments" / f"{victim}.yaml").write_bytes(raw)
        err = io.StringIO()
        with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
            code = main(["--repository", str(root), "render"])
        written = sorted(p.name for p in root.iterdir())
    assert code == 2, err.getvalue()
    assert f"environments/{victim}.yaml" in err.getvalue()
    assert "Traceback" not in err.getvalue()
    assert written == ["environments"]
