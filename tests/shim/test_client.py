"""EnvironmentMlflowClient against a real MLflow server: every method, for acc and prod, and every refusal."""

from __future__ import annotations

import inspect
import json
import threading
import uuid
import warnings

import mlflow
import mlflow.pyfunc
import pytest
from mlflow import MlflowClient
from mlflow.exceptions import MlflowException
from shim_models import EchoModel

import env_mlflow_client.client as client_module
from env_mlflow_client import (
    STAGE_TAG,
    EnvironmentMlflowClient,
    EnvironmentRuleViolation,
    EnvMlflowClient,
    InvalidArgument,
    compat,
    deprecation,
    guard_fluent_registration,
)
from env_mlflow_client.identifier_scope import scoped_method_names

DEAD_SERVER = "http://127.0.0.1:9"  # nothing listens: a refusal must come before any request


def _installed_mlflow_has(method: str):
    """Skip a case whose inherited ``MlflowClient`` method the installed MLflow does not have."""
    return pytest.mark.skipif(
        not hasattr(mlflow.MlflowClient, method), reason=f"MLflow {mlflow.__version__} has no MlflowClient.{method}"
    )


def _values(case) -> tuple:
    """The values of a parametrize case, plain or ``pytest.param``."""
    return case.values if hasattr(case, "values") else case


def _overridden(name: str) -> bool:
    """Whether the client defines ``name`` itself (in one of its parts), rather than inheriting MLflow's."""
    return getattr(EnvironmentMlflowClient, name, None) is not getattr(mlflow.MlflowClient, name, None)


def _unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:8]}"


def _rule(excinfo) -> str:
    return excinfo.value.rule


# ------------------------------------------------------------------ construction and environment


def test_alias_keeps_the_published_name():
    assert EnvMlflowClient is EnvironmentMlflowClient
    assert EnvironmentMlflowClient.ENVIRONMENT_KEY == "MLFLOW_ENV"


def test_environment_from_mlflow_env(monkeypatch):
    monkeypatch.setenv("MLFLOW_ENV", "preprod")
    client = EnvironmentMlflowClient(tracking_uri=DEAD_SERVER)
    assert client.env_name == "preprod" and client.production is False


@pytest.mark.parametrize(
    "name, rule",
    [
        (None, "environment-required"),
        ("", "environment-required"),
        ("Acc", "environment-name"),
        ("a_b", "environment-name"),
        ("x", "environment-name"),
    ],
)
def test_missing_or_malformed_environment_is_refused(monkeypatch, name, rule):
    monkeypatch.delenv("MLFLOW_ENV", raising=False)
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        EnvironmentMlflowClient(name, tracking_uri=DEAD_SERVER)
    assert _rule(excinfo) == rule
    assert f"[{rule}]" in str(excinfo.value)


def test_production_rule_and_repr(monkeypatch, tmp_path):
    monkeypatch.delenv("MLFLOW_ENV_PRODUCTION", raising=False)
    assert EnvironmentMlflowClient("prod", tracking_uri=DEAD_SERVER).production is True
    assert EnvironmentMlflowClient("production", tracking_uri=DEAD_SERVER).production is True
    live = EnvironmentMlflowClient("live", tracking_uri=DEAD_SERVER, production=True)
    assert live.production and "production=True [decided by production= argument]" in repr(live)
    monkeypatch.setenv("MLFLOW_ENV_PRODUCTION", "false")
    prod = EnvironmentMlflowClient("prod", tracking_uri=DEAD_SERVER)
    assert prod.production is False and "decided by MLFLOW_ENV_PRODUCTION" in repr(prod)
    monkeypatch.delenv("MLFLOW_ENV_PRODUCTION")
    permissions = tmp_path / "workspace.json"
    permissions.write_text(
        json.dumps(
            {
                "generated": "x",
                "environments": {
                    "live": {"production": True, "experiment_directory": "/ml/live"},
                    "acc": {"production": False, "experiment_directory": "/ml/acc"},
                },
                "grants": [],
            }
        )
    )
    live = EnvironmentMlflowClient("live", tracking_uri=DEAD_SERVER, permissions_file=str(permissions))
    assert live.production and f"decided by permissions file {permissions}" in repr(live)
    assert live.get_env_experiment_name("x") == "/ml/live/x"
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        EnvironmentMlflowClient("other", tracking_uri=DEAD_SERVER, permissions_file=str(permissions))
    assert _rule(excinfo) == "unknown-environment"


def test_an_unreadable_permissions_file_is_its_own_rule(tmp_path):
    broken = tmp_path / "workspace.json"
    broken.write_text("{not json")
    for path in (broken, tmp_path / "missing.json"):
        with pytest.raises(EnvironmentRuleViolation) as excinfo:
            EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER, permissions_file=str(path))
        assert _rule(excinfo) == "permissions-file" and str(path) in str(excinfo.value)


def test_generated_permission_file_drives_the_client():
    from pathlib import Path

    permissions = Path(__file__).resolve().parents[2] / "permissions" / "workspace.json"
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER, permissions_file=str(permissions))
    prod = EnvironmentMlflowClient("prod", tracking_uri=DEAD_SERVER, permissions_file=str(permissions))
    assert (acc.production, prod.production) == (False, True)
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        acc.get_env_model_name("churn_preprod")
    assert _rule(excinfo) == "foreign-model"


# ------------------------------------------------------------------ names


def test_names_are_idempotent_and_short_names_one_call_away():
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    assert acc.get_env_model_name("churn") == "churn_acc"
    assert acc.get_env_model_name("churn_acc") == "churn_acc"
    assert acc.get_env_model_name("churn_v2") == "churn_v2_acc"
    assert acc.get_short_model_name("churn_acc") == "churn"
    assert acc.get_env_experiment_name("churn") == "/experiments/acc/churn"
    assert acc.get_env_experiment_name("/experiments/acc/churn") == "/experiments/acc/churn"


FOREIGN_CALLS = [
    ("create_registered_model", ("churn_prod",)),
    ("get_registered_model", ("churn_prod",)),
    ("rename_registered_model", ("churn", "churn_prod")),
    ("update_registered_model", ("churn_production", "x")),
    ("delete_registered_model", ("churn_prod",)),
    ("set_registered_model_tag", ("churn_prod", "k", "v")),
    ("delete_registered_model_tag", ("churn_prod", "k")),
    ("create_model_version", ("churn_prod", "/tmp/x")),
    ("get_model_version", ("churn_prod", "1")),
    ("update_model_version", ("churn_prod", "1", "d")),
    ("delete_model_version", ("churn_prod", "1")),
    ("get_model_version_download_uri", ("churn_prod", "1")),
    ("get_latest_versions", ("churn_prod",)),
    ("transition_model_version_stage", ("churn_prod", "1", "Staging")),
    ("set_model_version_tag", ("churn_prod", "1", "k", "v")),
    ("delete_model_version_tag", ("churn_prod", "1", "k")),
    ("set_registered_model_alias", ("churn_prod", "candidate", "1")),
    ("delete_registered_model_alias", ("churn_prod", "candidate")),
    ("get_model_version_by_alias", ("churn_prod", "candidate")),
    ("search_model_versions", ("name='churn_prod'",)),
    ("search_registered_models", ('name = "churn_prod"',)),
    ("copy_model_version", ("models:/churn_prod/1", "churn")),
    ("copy_model_version", ("models:/churn/1", "churn_prod")),
    ("get_latest_model_version", ("churn_prod",)),
    ("finish_pending_versions", ("churn_prod",)),
    ("load_model_version", (mlflow.pyfunc, "churn_prod", "1")),
    ("load_latest_model", (mlflow.pyfunc, "churn_prod")),
    ("log_model_helper", (mlflow.pyfunc, "churn_prod")),
    ("create_experiment", ("/experiments/prod/churn",)),
    ("get_experiment_by_name", ("/experiments/prod/churn",)),
    ("create_experiment_if_not_exists", ("/experiments/prod/churn",)),
    ("set_experiment", ("/Shared/churn",)),
    ("rename_experiment", ("1", "/experiments/acc/../prod/x")),
    ("create_experiment", ("../prod/churn",)),
    ("get_experiment_by_name", ("..",)),
    ("set_experiment", ("churn/../../prod/churn",)),
    ("rename_experiment", ("1", "../prod/x")),
]


@pytest.mark.parametrize("method, arguments", FOREIGN_CALLS, ids=[f"{m}-{i}" for i, (m, _) in enumerate(FOREIGN_CALLS)])
def test_reaching_another_environment_is_refused_before_any_request(method, arguments):
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        getattr(acc, method)(*arguments)
    assert _rule(excinfo) in ("foreign-model", "foreign-experiment")
    assert excinfo.value.error_code == "PERMISSION_DENIED"


@pytest.mark.parametrize(
    "call, rule",
    [
        (lambda c: c.transition_model_version_stage("churn", "1", "Production"), "production-stage-outside-production"),
        (lambda c: c.transition_model_version_stage("churn", "1", "production"), "production-stage-outside-production"),
        (lambda c: c.transition_model_version_stage("churn", "1", "Live"), "unknown-stage"),
        (lambda c: c.set_registered_model_alias("churn", "champion", "1"), "production-alias-outside-production"),
        (lambda c: c.set_registered_model_alias("churn", "Production", "1"), "production-alias-outside-production"),
        (lambda c: c.delete_registered_model_alias("churn", "live"), "production-alias-outside-production"),
    ],
)
def test_stage_and_alias_refusals_outside_production(call, rule):
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        call(acc)
    assert _rule(excinfo) == rule
    assert excinfo.value.error_code == "PERMISSION_DENIED"


# ------------------------------------------------------------------ bad arguments: INVALID_PARAMETER_VALUE, not a rule


@pytest.fixture
def no_requests(monkeypatch):
    """Any request to a tracking server fails the test at once (instead of retrying against DEAD_SERVER)."""
    from mlflow.utils import rest_utils

    def refuse(*args, **kwargs):
        raise AssertionError(f"a request was sent: {args} {kwargs}")

    monkeypatch.setattr(rest_utils, "http_request", refuse)


def test_a_bad_argument_and_a_broken_rule_are_told_apart(no_requests):
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with pytest.raises(InvalidArgument) as bad:
        acc.get_env_model_name(123)
    assert not isinstance(bad.value, EnvironmentRuleViolation)
    assert bad.value.error_code == "INVALID_PARAMETER_VALUE" and bad.value.get_http_status_code() == 400
    assert bad.value.parameter == "name"
    assert str(bad.value) == "invalid argument name: expected a non-empty string, got 123 (int)"
    with pytest.raises(EnvironmentRuleViolation) as foreign:
        acc.get_env_model_name("churn_prod")
    assert foreign.value.error_code == "PERMISSION_DENIED" and foreign.value.get_http_status_code() == 403
    assert _rule(foreign) == "foreign-model" and "[foreign-model]" in str(foreign.value)


BAD_ARGUMENTS = [
    ("get_env_model_name", (123,), "name"),
    ("get_env_model_name", ("",), "name"),
    ("get_env_model_name", (None,), "name"),
    ("get_short_model_name", (5,), "name"),
    ("get_env_experiment_name", ("",), "name"),
    ("get_env_experiment_name", (None,), "name"),
    ("create_registered_model", (123,), "name"),
    ("get_registered_model", ("",), "name"),
    ("rename_registered_model", (None, "churn2"), "name"),
    ("rename_registered_model", ("churn", ""), "new_name"),
    ("update_registered_model", (42, "d"), "name"),
    ("delete_registered_model", (["churn"],), "name"),
    ("set_registered_model_tag", (None, "k", "v"), "name"),
    ("delete_registered_model_tag", (b"churn", "k"), "name"),
    ("search_registered_models", (["name='churn'"],), "filter_string"),
    ("search_registered_models", ("name = ''",), "filter_string"),
    ("create_model_version", ("", "/tmp/x"), "name"),
    ("copy_model_version", (123, "churn"), "src_model_uri"),
    ("copy_model_version", ("models:/", "churn"), "src_model_uri"),
    ("copy_model_version", ("models:/churn/1", ""), "dst_name"),
    ("get_model_version", (1, "1"), "name"),
    ("update_model_version", ("", "1", "d"), "name"),
    ("delete_model_version", (None, "1"), "name"),
    ("get_model_version_download_uri", (0, "1"), "name"),
    ("search_model_versions", (5,), "filter_string"),
    ("search_model_versions", ("name=''",), "filter_string"),
    ("get_latest_versions", ("",), "name"),
    ("get_latest_versions", ("churn", "Staging"), "stages"),
    ("get_latest_versions", ("churn", [1]), "stages"),
    ("set_model_version_tag", ("churn", None, "k", "v", 1), "stage"),
    ("delete_model_version_tag", ("churn", None, "k", 0), "stage"),
    ("transition_model_version_stage", (123, "1", "Staging"), "name"),
    ("transition_model_version_stage", ("churn", "1", 2), "stage"),
    ("transition_model_version_stage", ("churn", "1", ""), "stage"),
    ("set_registered_model_alias", ("churn", None, "1"), "alias"),
    ("set_registered_model_alias", ("churn", "", "1"), "alias"),
    ("set_registered_model_alias", ("", "candidate", "1"), "name"),
    ("delete_registered_model_alias", ("churn", 3), "alias"),
    ("get_model_version_by_alias", ("churn", None), "alias"),
    ("get_model_version_by_alias", (7, "candidate"), "name"),
    ("create_experiment", ("",), "name"),
    ("create_experiment", (7,), "name"),
    ("get_experiment", (123,), "experiment_id"),
    ("get_experiment", ("",), "experiment_id"),
    ("get_experiment_by_name", (None,), "name"),
    ("search_experiments", (1, 100, 5), "filter_string"),
    ("rename_experiment", ("1", ""), "new_name"),
    ("rename_experiment", (5, "renamed"), "experiment_id"),
    ("create_run", (12,), "experiment_id"),
    ("get_run", (12,), "run_id"),
    ("get_run", ("",), "run_id"),
    ("create_experiment_if_not_exists", ("",), "name"),
    ("set_experiment", (None,), "name"),
    ("log_model_helper", (mlflow.pyfunc, ""), "registered_model_name"),
    ("finish_pending_versions", (1,), "name"),
    ("get_latest_model_version", (None,), "name"),
    ("load_model_version", (mlflow.pyfunc, "", "1"), "name"),
    ("load_latest_model", (mlflow.pyfunc, 3), "name"),
    # inherited methods scoped by their first argument
    ("log_metric", (123, "loss", 0.1), "run_id"),
    ("set_tag", ("", "owner", "acc"), "run_id"),
    ("delete_run", (0,), "run_id"),
    ("set_experiment_tag", (5, "owner", "acc"), "experiment_id"),
    ("delete_experiment", ("",), "experiment_id"),
    ("search_runs", (5,), "experiment_ids"),
    ("search_runs", (["1", 2],), "experiment_ids"),
    ("search_runs", ([""],), "experiment_ids"),
    pytest.param("search_traces", ({"1"},), "experiment_ids", marks=_installed_mlflow_has("search_traces")),
]


@pytest.mark.parametrize(
    "method, arguments, parameter",
    BAD_ARGUMENTS,
    ids=[f"{_values(case)[0]}-{_values(case)[2]}-{i}" for i, case in enumerate(BAD_ARGUMENTS)],
)
def test_bad_arguments_are_invalid_parameter_values_before_any_request(no_requests, method, arguments, parameter):
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with pytest.raises(InvalidArgument) as excinfo:
        getattr(acc, method)(*arguments)
    assert not isinstance(excinfo.value, EnvironmentRuleViolation)
    assert excinfo.value.error_code == "INVALID_PARAMETER_VALUE"
    assert excinfo.value.parameter == parameter
    assert str(excinfo.value).startswith(f"invalid argument {parameter}: expected ")


def test_bad_keyword_arguments_name_the_keyword(no_requests):
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with pytest.raises(InvalidArgument) as excinfo:
        acc.log_param(run_id=["r"], key="alpha", value="1")
    assert excinfo.value.parameter == "run_id"
    with pytest.raises(InvalidArgument) as excinfo:
        acc.search_runs(experiment_ids=("1", None))
    assert excinfo.value.parameter == "experiment_ids"


@pytest.mark.parametrize(
    "keywords, parameter",
    [
        ({"env_name": 123}, "env_name"),
        ({"env_name": "acc", "production": "false"}, "production"),
        ({"env_name": "acc", "production": 0}, "production"),
        ({"env_name": "acc", "experiment_root": 5}, "experiment_root"),
        ({"env_name": "acc", "permissions_file": 3}, "permissions_file"),
    ],
)
def test_bad_constructor_arguments_are_invalid_parameter_values(keywords, parameter):
    with pytest.raises(InvalidArgument) as excinfo:
        EnvironmentMlflowClient(tracking_uri=DEAD_SERVER, **keywords)
    assert excinfo.value.error_code == "INVALID_PARAMETER_VALUE" and excinfo.value.parameter == parameter


def test_every_public_method_documents_what_it_raises():
    undocumented = []
    for name, member in inspect.getmembers(EnvironmentMlflowClient, inspect.isfunction):
        if name.startswith("_") or not _overridden(name):
            continue
        doc = inspect.getdoc(member) or ""
        if "Raises:" not in doc or "InvalidArgument:" not in doc:
            undocumented.append(name)
    assert undocumented == []
    assert "EnvironmentRuleViolation: ``foreign-experiment``" in inspect.getdoc(EnvironmentMlflowClient.log_metric)
    assert "InvalidArgument:" in inspect.getdoc(EnvironmentMlflowClient)


# ------------------------------------------------------------------ the stage deprecation notice


def test_stage_api_says_it_once_and_silences_only_mlflows_stage_warnings(monkeypatch):
    monkeypatch.setattr(deprecation, "_NOTICE_SHOWN", threading.Event())

    @deprecation.stage_api
    def stage_call(value: int) -> int:
        warnings.warn(
            "``MlflowClient.get_latest_versions`` is deprecated since 2.9.0. Model registry stages will "
            "be removed in a future major release.",
            FutureWarning,
            stacklevel=2,
        )
        warnings.warn("something else", FutureWarning, stacklevel=2)
        return value + 1

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert [stage_call(1), stage_call(2)] == [2, 3]
    messages = [str(w.message) for w in caught if issubclass(w.category, FutureWarning)]
    assert messages == [deprecation.STAGE_NOTICE, "something else", "something else"]
    assert caught[0].filename == __file__
    assert stage_call.__name__ == "stage_call"


def test_stage_notice_points_at_the_user_when_the_client_makes_the_stage_call(monkeypatch):
    monkeypatch.setattr(deprecation, "_NOTICE_SHOWN", threading.Event())
    monkeypatch.setattr(client_module.MlflowClient, "get_latest_versions", lambda self, name, stages=None: [])
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(MlflowException, match="churn_acc has no version in Staging"):
            acc.get_latest_model_version("churn")  # the stage call is get_latest_versions, inside the client
    notices = [w for w in caught if str(w.message) == deprecation.STAGE_NOTICE]
    assert len(notices) == 1 and notices[0].filename == __file__


# ------------------------------------------------------------------ against the server


@pytest.mark.mlflow_server
def test_first_registration_staged_per_environment(registered, acc, prod):
    acc_version, acc_info = registered["acc"]
    # MLflow 3 logs a logged model (models:/m-<id>); MLflow 2 logs it in a run (runs:/<run>/<path>).
    assert acc_info.model_uri.startswith("models:/m-" if compat.LOGGED_MODELS else "runs:/")
    assert acc.get_registered_model("churn").name == "churn_acc"
    assert prod.get_registered_model("churn").name == "churn_prod"
    assert acc.get_model_version("churn", acc_version.version).current_stage == "Staging"
    assert acc.get_model_version("churn", acc_version.version).tags[STAGE_TAG] == "Staging"


@pytest.mark.mlflow_server
def test_registered_model_lifecycle(acc, mlflow_server):
    name = _unique("tmp")
    created = acc.create_registered_model(name, tags={"team": "risk"}, description="first")
    assert created.name == f"{name}_acc"
    assert acc.update_registered_model(name, description="second").description == "second"
    acc.set_registered_model_tag(name, "owner", "me")
    assert acc.get_registered_model(name).tags == {"team": "risk", "owner": "me"}
    acc.delete_registered_model_tag(name, "owner")
    assert acc.get_registered_model(name).tags == {"team": "risk"}
    acc.rename_registered_model(name, f"{name}x")
    assert acc.get_registered_model(f"{name}x").name == f"{name}x_acc"
    acc.delete_registered_model(f"{name}x")
    with pytest.raises(MlflowException):
        acc.get_registered_model(f"{name}x")


@pytest.mark.mlflow_server
def test_model_versions_and_search(registered, acc, prod):
    version, _ = registered["acc"]
    full = acc.get_model_version("churn", version.version)
    assert full.name == "churn_acc"
    assert acc.update_model_version("churn", version.version, "checked").description == "checked"
    acc.set_model_version_tag("churn", version.version, "quality", "good")
    assert acc.get_model_version("churn_acc", version.version).tags["quality"] == "good"
    acc.delete_model_version_tag("churn", version.version, "quality")
    assert "quality" not in acc.get_model_version("churn", version.version).tags
    assert acc.get_model_version_download_uri("churn", version.version)
    found = acc.search_model_versions("name='churn'")
    assert {v.name for v in found} == {"churn_acc"} and version.version in {v.version for v in found}
    everything = acc.search_model_versions()
    assert everything and all(v.name.endswith("_acc") for v in everything)
    models = acc.search_registered_models()
    assert "churn_acc" in {m.name for m in models} and all(m.name.endswith("_acc") for m in models)
    assert [m.name for m in acc.search_registered_models("name = 'churn'")] == ["churn_acc"]
    assert all(m.name.endswith("_prod") for m in prod.search_registered_models())


@pytest.mark.mlflow_server
def test_create_copy_and_delete_model_versions(registered, acc):
    version, info = registered["acc"]
    source = acc.get_model_version("churn", version.version).source
    # A local source needs its run (MLflow 2 logs models in runs); MLflow 3 also links the logged model.
    created = acc.create_model_version(
        "churn", source, run_id=version.run_id, description="manual", model_id=compat.model_id(info)
    )
    assert created.name == "churn_acc" and created.current_stage == "None"
    copied = acc.copy_model_version(f"models:/churn/{created.version}", "churn")
    assert copied.name == "churn_acc" and int(copied.version) > int(created.version)
    for extra in (created, copied):
        acc.delete_model_version("churn", extra.version)
    with pytest.raises(MlflowException):
        acc.get_model_version("churn", created.version)


@pytest.mark.mlflow_server
def test_latest_versions_and_loading(registered, acc):
    version, _ = registered["acc"]
    latest = acc.get_latest_model_version("churn")
    assert latest.name == "churn_acc" and latest.current_stage == "Staging"
    assert [v.current_stage for v in acc.get_latest_versions("churn", stages=["Staging"])] == ["Staging"]
    assert [v.current_stage for v in acc.get_latest_versions("churn")] == ["Staging"]
    model = acc.load_latest_model(mlflow.pyfunc, "churn")
    assert model.predict(["a", "b"]) == ["a", "b"]
    assert acc.load_model_version(mlflow.pyfunc, "churn", version.version).predict(["c"]) == ["c"]


@pytest.mark.mlflow_server
def test_non_production_stages(registered, acc):
    version, _ = registered["acc"]
    assert acc.transition_model_version_stage("churn", version.version, "Archived").current_stage == "Archived"
    assert acc.transition_model_version_stage("churn", version.version, "none").current_stage == "None"
    assert acc.transition_model_version_stage("churn", version.version).current_stage == "Staging"


@pytest.mark.mlflow_server
def test_promotion_to_production_archives_the_previous_versions(registered, prod):
    first, info = registered["prod"]
    source = prod.get_model_version("churn", first.version).source
    second = prod.create_model_version("churn", source, run_id=first.run_id, model_id=compat.model_id(info))
    third = prod.create_model_version("churn", source, run_id=first.run_id, model_id=compat.model_id(info))
    assert prod.transition_model_version_stage("churn", second.version).current_stage == "Production"
    assert prod.get_model_version("churn", first.version).current_stage == "Archived"
    prod.transition_model_version_stage("churn", third.version, archive_existing_versions=False)
    stages = {v.version: v.current_stage for v in prod.search_model_versions("name='churn'")}
    assert stages[second.version] == stages[third.version] == "Production"
    prod.transition_model_version_stage("churn", third.version, "Production")
    stages = {v.version: v.current_stage for v in prod.search_model_versions("name='churn'")}
    assert [v for v, stage in stages.items() if stage == "Production"] == [third.version]


@pytest.mark.mlflow_server
def test_aliases(registered, acc, prod):
    version, _ = registered["acc"]
    acc.set_registered_model_alias("churn", "candidate", version.version)
    assert acc.get_model_version_by_alias("churn", "candidate").version == version.version
    acc.delete_registered_model_alias("churn", "candidate")
    with pytest.raises(MlflowException):
        acc.get_model_version_by_alias("churn", "candidate")
    prod_version, _ = registered["prod"]
    prod.set_registered_model_alias("churn", "champion", prod_version.version)
    assert prod.get_model_version_by_alias("churn", "champion").name == "churn_prod"
    prod.delete_registered_model_alias("churn", "champion")


@pytest.mark.mlflow_server
def test_experiments(acc, mlflow_server):
    name = _unique("exp")
    experiment_id = acc.create_experiment(name)
    assert acc.get_experiment(experiment_id).name == f"/experiments/acc/{name}"
    assert acc.get_experiment_by_name(name).experiment_id == experiment_id
    assert acc.create_experiment_if_not_exists(name) == experiment_id
    assert acc.create_experiment_if_not_exists(f"/experiments/acc/{name}") == experiment_id
    acc.rename_experiment(experiment_id, f"{name}-renamed")
    assert acc.get_experiment(experiment_id).name == f"/experiments/acc/{name}-renamed"
    other = _unique("active")
    active_id = acc.set_experiment(other)
    assert mlflow.get_tracking_uri() == mlflow_server.uri
    with mlflow.start_run() as run:
        assert run.info.experiment_id == active_id


EXPERIMENT_ID_CALLS = [
    ("get_experiment", ()),
    ("rename_experiment", ("moved",)),
    ("delete_experiment", ()),
    ("restore_experiment", ()),
    ("set_experiment_tag", ("owner", "acc")),
    pytest.param("delete_experiment_tag", ("team",), marks=_installed_mlflow_has("delete_experiment_tag")),
    ("create_run", ()),
]


@pytest.mark.mlflow_server
@pytest.mark.parametrize(
    "method, arguments", EXPERIMENT_ID_CALLS, ids=[_values(case)[0] for case in EXPERIMENT_ID_CALLS]
)
def test_another_environments_experiment_id_is_refused_before_any_write(acc, prod, method, arguments):
    name = _unique("prodexp")
    prod_id = prod.create_experiment(name, tags={"team": "prod"})
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        getattr(acc, method)(prod_id, *arguments)
    assert _rule(excinfo) == "foreign-experiment"
    assert f"/experiments/prod/{name}" in str(excinfo.value)
    untouched = prod.get_experiment(prod_id)
    assert (untouched.name, untouched.lifecycle_stage, untouched.tags.get("team")) == (
        f"/experiments/prod/{name}",
        "active",
        "prod",
    )
    assert "owner" not in untouched.tags
    assert prod.search_runs([prod_id]) == []


@pytest.mark.mlflow_server
def test_experiments_outside_every_environment_are_refused_by_id(acc):
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        acc.get_experiment("0")  # MLflow's "Default" experiment
    assert _rule(excinfo) == "foreign-experiment"
    with pytest.raises(EnvironmentRuleViolation):
        acc.search_runs(["0"])


@pytest.mark.mlflow_server
def test_experiment_search_and_runs_stay_in_the_environment(acc, prod):
    acc_name, prod_name = _unique("scoped"), _unique("scoped")
    acc_id = acc.create_experiment(acc_name)
    prod_id = prod.create_experiment(prod_name)
    fresh_acc = EnvironmentMlflowClient("acc", tracking_uri=acc.tracking_uri)  # knows no experiment id yet
    found = {experiment.name for experiment in fresh_acc.search_experiments()}
    assert f"/experiments/acc/{acc_name}" in found
    assert all(name.startswith("/experiments/acc/") for name in found)
    assert [e.experiment_id for e in fresh_acc.search_experiments(filter_string=f"name LIKE '%{acc_name}'")] == [acc_id]
    assert fresh_acc.search_experiments(filter_string=f"name LIKE '%{prod_name}'") == []
    run = fresh_acc.create_run(acc_id, run_name="scoped")
    fresh_acc.set_terminated(run.info.run_id)
    assert [found.info.run_id for found in fresh_acc.search_runs([acc_id])] == [run.info.run_id]
    with pytest.raises(EnvironmentRuleViolation):
        fresh_acc.search_runs([acc_id, prod_id])
    fresh_acc.set_experiment_tag(acc_id, "owner", "acc")
    fresh_acc.delete_experiment(acc_id)
    fresh_acc.restore_experiment(acc_id)
    assert fresh_acc.get_experiment(acc_id).tags["owner"] == "acc"


RUN_ID_CALLS = [
    ("get_run", {}),
    ("log_metric", {"key": "loss", "value": 0.1}),
    ("log_param", {"key": "alpha", "value": "1"}),
    ("set_tag", {"key": "owner", "value": "acc"}),
    ("log_batch", {"metrics": []}),
    ("log_text", {"text": "x", "artifact_file": "note.txt"}),
    ("list_artifacts", {}),
    ("set_terminated", {}),
    ("delete_run", {}),
]


@pytest.mark.mlflow_server
@pytest.mark.parametrize("method, keywords", RUN_ID_CALLS, ids=[m for m, _ in RUN_ID_CALLS])
def test_another_environments_run_is_refused_before_any_write(acc, prod, method, keywords):
    prod_id = prod.create_experiment(_unique("prodruns"))
    run_id = prod.create_run(prod_id, tags={"team": "prod"}).info.run_id
    for call in (
        lambda: getattr(acc, method)(run_id, **keywords),
        lambda: getattr(acc, method)(run_id=run_id, **keywords),
    ):
        with pytest.raises(EnvironmentRuleViolation) as excinfo:
            call()
        assert _rule(excinfo) == "foreign-experiment"
    run = prod.get_run(run_id)
    assert (run.info.status, run.info.lifecycle_stage, run.data.metrics, run.data.params) == (
        "RUNNING",
        "active",
        {},
        {},
    )
    assert "owner" not in run.data.tags and prod.list_artifacts(run_id) == []


def test_every_inherited_run_or_experiment_method_is_scoped():
    scoped = scoped_method_names(EnvironmentMlflowClient)
    assert {
        "log_metric",
        "log_param",
        "log_batch",
        "set_tag",
        "log_artifact",
        "log_artifacts",
        "delete_run",
        "set_terminated",
        "download_artifacts",
        "delete_experiment",
        "set_experiment_tag",
        "search_runs",
    } <= set(scoped)
    for name, method in inspect.getmembers(mlflow.MlflowClient, inspect.isfunction):
        first = list(inspect.signature(method).parameters)[1:2]
        if not name.startswith("_") and first and first[0] in ("run_id", "experiment_id", "experiment_ids"):
            assert name in scoped or _overridden(name), name


def test_missing_ids_are_refused():
    acc = EnvironmentMlflowClient("acc", tracking_uri=DEAD_SERVER)
    for call in (
        lambda: acc.search_runs([]),
        lambda: acc.search_runs(None),
        lambda: acc.log_metric(None, "k", 1),
        *([acc.search_traces] if hasattr(mlflow.MlflowClient, "search_traces") else []),
        lambda: acc.get_run(None),
        lambda: acc.get_experiment(None),
        lambda: acc.create_run(None),
    ):
        with pytest.raises(EnvironmentRuleViolation) as excinfo:
            call()
        assert _rule(excinfo) == "foreign-experiment"
        assert excinfo.value.error_code == "PERMISSION_DENIED"


@pytest.mark.mlflow_server
def test_runs_of_the_environment_work_through_the_client(acc):
    experiment_id = acc.create_experiment(_unique("runs"))
    run_id = acc.create_run(experiment_id, run_name="train").info.run_id
    acc.log_param(run_id, "alpha", "0.5")
    fresh = EnvironmentMlflowClient("acc", tracking_uri=acc.tracking_uri)  # meets the run id for the first time
    fresh.log_metric(run_id=run_id, key="loss", value=0.25)
    fresh.set_tag(run_id, "owner", "acc")
    fresh.log_text(run_id, "hello", "note.txt")
    fresh.set_terminated(run_id)
    run = fresh.get_run(run_id)
    assert (run.data.params, run.data.metrics, run.data.tags["owner"], run.info.status) == (
        {"alpha": "0.5"},
        {"loss": 0.25},
        "acc",
        "FINISHED",
    )
    assert [artifact.path for artifact in fresh.list_artifacts(run_id)] == ["note.txt"]
    assert [found.info.run_id for found in fresh.search_runs(experiment_id)] == [run_id]


@pytest.mark.mlflow_server
def test_log_model_helper_refuses_a_model_logged_outside_the_environment(acc, prod, mlflow_server):
    name = _unique("stray")
    prod.set_experiment("churn")  # the active experiment is now prod's
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        acc.log_model_helper(mlflow.pyfunc, name, python_model=EchoModel(), name="model", pip_requirements=["mlflow"])
    assert _rule(excinfo) == "foreign-experiment"
    assert "('/experiments/prod/churn') is outside /experiments/acc/" in str(excinfo.value)  # before logging
    with pytest.raises(MlflowException, match=r"RESOURCE_DOES_NOT_EXIST|not found"):
        acc.get_registered_model(name)
    mlflow.set_tracking_uri(mlflow_server.uri)
    mlflow.set_experiment("/Shared/elsewhere")
    with mlflow.start_run(), pytest.raises(EnvironmentRuleViolation) as in_run:
        acc.log_model_helper(mlflow.pyfunc, name, python_model=EchoModel(), name="model", pip_requirements=["mlflow"])
    assert _rule(in_run) == "foreign-experiment" and "/Shared/elsewhere" in str(in_run.value)


@pytest.mark.mlflow_server
def test_log_model_helper_without_an_experiment_is_refused_before_anything_is_created(acc, mlflow_server, monkeypatch):
    monkeypatch.delenv("MLFLOW_EXPERIMENT_NAME", raising=False)
    monkeypatch.delenv("MLFLOW_EXPERIMENT_ID", raising=False)
    mlflow.set_tracking_uri(mlflow_server.uri)
    mlflow.set_experiment(experiment_id="0")  # what a job gets when it never calls set_experiment
    plain = MlflowClient(mlflow_server.uri)
    before = len(plain.search_runs(["0"], max_results=1000))
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        acc.log_model_helper(mlflow.pyfunc, _unique("nowhere"), python_model=EchoModel(), name="model")
    assert _rule(excinfo) == "foreign-experiment" and "call client.set_experiment(NAME) first" in str(excinfo.value)
    assert len(plain.search_runs(["0"], max_results=1000)) == before, "a stray run was left in Default"
    assert mlflow.active_run() is None


@pytest.mark.mlflow_server
def test_log_model_helper_finishes_versions_left_pending(acc, monkeypatch):
    name = _unique("pending")
    acc.set_experiment("churn")
    real = client_module.MlflowClient.transition_model_version_stage
    calls = {"count": 0}

    def fail_once(self, *args, **kwargs):
        calls["count"] += 1
        if calls["count"] == 1:
            raise MlflowException("simulated outage")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(client_module.MlflowClient, "transition_model_version_stage", fail_once)
    expected = (
        rf"version 1 of {name}_acc is registered but its stage could not be set to Staging "
        r"\(simulated outage\); it stays tagged env_mlflow_client.stage=pending:Staging"
    )
    with pytest.raises(MlflowException, match=expected):
        acc.log_model_helper(mlflow.pyfunc, name, python_model=EchoModel(), name="model", pip_requirements=["mlflow"])
    left = acc.get_model_version(name, "1")
    assert left.current_stage == "None" and left.tags[STAGE_TAG] == "pending:Staging"
    version, _ = acc.log_model_helper(
        mlflow.pyfunc, name, python_model=EchoModel(), name="model", pip_requirements=["mlflow"]
    )
    assert version.version == "2" and version.current_stage == "Staging"
    first = acc.get_model_version(name, "1")
    assert first.current_stage == "Staging" and first.tags[STAGE_TAG] == "Staging"


@pytest.mark.mlflow_server
def test_stage_deprecation_warning_is_shown_once(registered, acc, monkeypatch):
    version, _ = registered["acc"]
    monkeypatch.setattr(deprecation, "_NOTICE_SHOWN", threading.Event())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        acc.transition_model_version_stage("churn", version.version, "Staging")
        acc.get_latest_versions("churn")
        acc.transition_model_version_stage("churn", version.version, "Staging")
    future = [w for w in caught if issubclass(w.category, FutureWarning)]
    assert len(future) == 1 and "env_mlflow_client keeps them working" in str(future[0].message)
    assert future[0].filename == __file__  # points at the caller, not inside the client


@pytest.mark.mlflow_server
def test_guard_refuses_fluent_registration(registered, acc, monkeypatch):
    import mlflow.tracking._model_registry.fluent as registry_fluent

    monkeypatch.setattr(registry_fluent, "_register_model", registry_fluent._register_model)
    _, info = registered["acc"]
    guard_fluent_registration()
    with pytest.raises(EnvironmentRuleViolation) as excinfo:
        mlflow.register_model(info.model_uri, "churn_prod")
    assert _rule(excinfo) == "registration-bypass"
    acc.set_experiment("churn")
    path = {compat.log_model_keyword(mlflow.pyfunc.log_model): "model"}  # name= (MLflow 3), artifact_path= (2)
    with mlflow.start_run(), pytest.raises(EnvironmentRuleViolation):
        mlflow.pyfunc.log_model(**path, python_model=EchoModel(), registered_model_name="churn_prod")
