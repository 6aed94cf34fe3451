"""Parity with ``environment-mlflow-client``, the article's client: every public method of its
``EnvMlflowClient`` accepts the original's arguments, by position and by keyword, and means what it
meant there.

The original is ``environment_mlflow_client/env_mlflow_client.py`` of
``nederlandsespoorwegen/environment_mlflow_client`` (release 3.0.2, the last one); its own tests
(``tests/test_env_mlflow_client.py``, ``tests/test_custom_model_with_artifacts.py``) show the
meaning checked here. Where this client deliberately differs (a refusal the original lacked, or
archiving on promotion), the README's migration note lists it; those differences are tested as such.
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from contextlib import contextmanager

import mlflow
import mlflow.pyfunc
import parity_loader
import pytest
from mlflow.entities.model_registry import ModelVersion
from mlflow.models.model import ModelInfo

from env_mlflow_client import EnvironmentRuleViolation, EnvMlflowClient, InvalidArgument, compat

#: Every public method of the original ``EnvMlflowClient`` with its parameters in order (``self`` left out).
ORIGINAL_METHODS: dict[str, tuple[str, ...]] = {
    "__init__": ("env_name", "tracking_uri", "registry_uri"),
    "get_env_model_name": ("name",),
    "get_latest_versions": ("name",),
    "get_latest_model_version": ("name",),
    "set_model_version_tag": ("name", "version", "key", "value"),
    "set_registered_model_tag": ("name", "key", "value"),
    "create_model_version": ("name", "source", "run_id", "tags", "run_link", "description", "await_creation_for"),
    "create_registered_model": ("name", "tags", "description"),
    "get_model_version_download_uri": ("name", "version"),
    "get_registered_model": ("name",),
    "transition_model_version_stage": ("name", "version"),
    "get_model_version": ("name", "version"),
    "load_model_version": ("model_flavor", "name", "version", "unwrap_model"),
    "load_latest_model": ("model_flavor", "name", "unwrap_model"),
    "log_model_helper": ("model_flavor", "registered_model_name", "**kwargs"),
    "get_env_experiment_name": ("name",),
    "create_experiment_if_not_exists": ("name",),
}
ORIGINAL_OPTIONAL = {"env_name", "tracking_uri", "registry_uri", "run_id", "tags", "run_link", "description"}
ORIGINAL_OPTIONAL |= {"await_creation_for", "unwrap_model"}


def _unique(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex[:8]}"


def _run_source(client: EnvMlflowClient) -> tuple[str, str]:
    """A model version source every MLflow version registers without a logged model: a run's artifact."""
    run = client.create_run(client.create_experiment_if_not_exists("sources"))
    client.log_text(run.info.run_id, "flavors: {}\n", "model/MLmodel")
    return f"{run.info.artifact_uri}/model", run.info.run_id


# ------------------------------------------------------------------ signatures


@pytest.mark.parametrize("method", sorted(ORIGINAL_METHODS))
def test_every_original_method_takes_the_originals_arguments_in_order(method):
    original = ORIGINAL_METHODS[method]
    ours = inspect.signature(getattr(EnvMlflowClient, method))
    ours_in_order = [name for name, parameter in ours.parameters.items() if name != "self"]
    if original[-1] == "**kwargs":
        original = original[:-1]
        assert any(p.kind is inspect.Parameter.VAR_KEYWORD for p in ours.parameters.values())
    # Same names, same positions: a call written for the original binds the same way here.
    assert ours_in_order[: len(original)] == list(original)
    values = [object() for _ in original]
    by_position = ours.bind(None, *values)
    by_keyword = ours.bind(None, **dict(zip(original, values, strict=True)))
    assert by_position.arguments == by_keyword.arguments
    # Whatever the original left optional stays optional, and what we added is optional too.
    for name, parameter in ours.parameters.items():
        if name != "self" and (name in ORIGINAL_OPTIONAL or name not in original):
            assert parameter.default is not inspect.Parameter.empty or parameter.kind in (
                inspect.Parameter.VAR_KEYWORD,
                inspect.Parameter.VAR_POSITIONAL,
            ), f"{method}({name}) must stay optional"


def test_the_environment_key_and_the_class_name_are_the_originals(monkeypatch):
    assert EnvMlflowClient.ENVIRONMENT_KEY == "MLFLOW_ENV"
    monkeypatch.setenv("MLFLOW_ENV", "acc")
    assert EnvMlflowClient(tracking_uri="http://127.0.0.1:9").env_name == "acc"
    assert EnvMlflowClient(env_name="test", tracking_uri="http://127.0.0.1:9").env_name == "test"


def test_names_mean_what_they_meant():
    client = EnvMlflowClient(env_name="local", tracking_uri="http://127.0.0.1:9")
    assert client.get_env_model_name("test_model_name") == "test_model_name_local"
    assert client.get_env_model_name(name="test_model_name") == "test_model_name_local"
    for env in ("acc", "prod"):
        client = EnvMlflowClient(env, "http://127.0.0.1:9", "http://127.0.0.1:9")
        assert client.get_env_experiment_name("experiment1") == f"/experiments/{env}/experiment1"
        assert client.get_env_experiment_name(name="experiment1") == f"/experiments/{env}/experiment1"


# ------------------------------------------------------------------ against the server


@pytest.fixture(scope="module")
def local(mlflow_server) -> EnvMlflowClient:
    """The original tests' client: environment ``local``, positional constructor arguments."""
    return EnvMlflowClient("local", mlflow_server.uri, mlflow_server.uri)


class FakeModel(mlflow.pyfunc.PythonModel):
    """The original tests' model."""

    def predict(self, context, model_input, params=None):
        return None


@pytest.fixture(scope="module")
def logged(local, mlflow_server):
    """As the original tests do: an experiment, a run in it, log_model_helper with ``artifact_path``."""
    name = _unique("test_model_name")
    experiment_id = local.create_experiment_if_not_exists("unittest")
    mlflow.set_tracking_uri(mlflow_server.uri)
    with mlflow.start_run(run_name="unittest_training", experiment_id=experiment_id):
        result = local.log_model_helper(
            model_flavor=mlflow.pyfunc,
            registered_model_name=name,
            artifact_path=name,
            python_model=FakeModel(),
            pip_requirements=["mlflow"],
        )
    return name, result


@pytest.mark.mlflow_server
def test_log_model_helper_returns_the_version_and_the_model_info_with_the_renamed_artifact_path(local, logged):
    name, result = logged
    assert isinstance(result, tuple) and len(result) == 2
    model_version, model_info = result
    assert isinstance(model_version, ModelVersion) and isinstance(model_info, ModelInfo)
    assert model_version.name == local.get_env_model_name(name) == f"{name}_local"
    # The original renamed artifact_path to the environment's model name; so does this client, on every MLflow.
    assert model_info.artifact_path == local.get_env_model_name(name)
    assert model_version.current_stage == "Staging"
    assert mlflow.pyfunc.load_model(model_info.model_uri) is not None


@pytest.mark.mlflow_server
def test_reads_of_the_logged_version(local, logged):
    name, _ = logged
    assert str(local.get_latest_model_version(name).version) == "1"
    assert str(local.get_latest_model_version(name=name).version) == "1"
    assert [str(v.version) for v in local.get_latest_versions(name)] == ["1"]
    assert [str(v.version) for v in local.get_latest_versions(name=name)] == ["1"]
    assert local.get_model_version(name, "1").name == f"{name}_local"
    assert local.get_model_version(name=name, version="1").name == f"{name}_local"
    assert local.get_registered_model(name).name == f"{name}_local"
    assert local.get_registered_model(name=name).name == f"{name}_local"
    assert local.get_model_version_download_uri(name, "1") == local.get_model_version_download_uri(
        name=name, version="1"
    )


@pytest.mark.mlflow_server
def test_tags(local, logged):
    name, _ = logged
    local.set_model_version_tag(name=name, version="1", key="dorst", value="bier")
    local.set_model_version_tag(name, "1", "positional", "yes")
    assert (
        local.get_model_version(name=name, version="1").tags.items() >= {"dorst": "bier", "positional": "yes"}.items()
    )
    local.set_registered_model_tag(name=name, key="olie", value="bollen")
    local.set_registered_model_tag(name, "positional", "yes")
    assert local.get_registered_model(name=name).tags.items() >= {"olie": "bollen", "positional": "yes"}.items()


@pytest.mark.mlflow_server
def test_loading(local, logged):
    name, _ = logged
    for model in (
        local.load_model_version(mlflow.pyfunc, name, version="1"),
        local.load_model_version(model_flavor=mlflow.pyfunc, name=name, version="1", unwrap_model=False),
        local.load_latest_model(mlflow.pyfunc, name),
        local.load_latest_model(model_flavor=mlflow.pyfunc, name=name),
    ):
        assert hasattr(model, "predict") and isinstance(model, mlflow.pyfunc.PyFuncModel)
    # unwrap_model=True returns the implementation inside the pyfunc model (for a python_model, MLflow's
    # wrapper, whose python_model is the logged object), by position and by keyword.
    for unwrapped in (
        local.load_model_version(mlflow.pyfunc, name, "1", True),
        local.load_latest_model(mlflow.pyfunc, name, True),
        local.load_latest_model(model_flavor=mlflow.pyfunc, name=name, unwrap_model=True),
    ):
        assert not isinstance(unwrapped, mlflow.pyfunc.PyFuncModel)
        assert isinstance(unwrapped.python_model, FakeModel)


@pytest.mark.mlflow_server
def test_unwrap_model_returns_the_custom_implementation_of_a_loader_module_model(local, tmp_path, mlflow_server):
    """The original's test_custom_model_with_artifacts: unwrap_model=True gives what the loader returned."""
    name = _unique("test_custom_model_with_artifacts")
    table = {"column_1": [1, 2, 3]}
    data = tmp_path / "data"
    data.mkdir()
    (data / "table.json").write_text(json.dumps(table))
    code = {
        "code_paths" if compat.accepts(mlflow.pyfunc.log_model, "code_paths") else "code_path": [parity_loader.__file__]
    }
    experiment_id = local.create_experiment_if_not_exists("unittest")
    mlflow.set_tracking_uri(mlflow_server.uri)
    with mlflow.start_run(run_name="unittest_training", experiment_id=experiment_id):
        version, info = local.log_model_helper(
            model_flavor=mlflow.pyfunc,
            registered_model_name=name,
            loader_module="parity_loader",
            artifact_path=name,
            data_path=str(data),
            pip_requirements=["mlflow"],
            **code,
        )
    assert (version.name, info.artifact_path, version.current_stage) == (f"{name}_local",) * 2 + ("Staging",)
    model = local.load_latest_model(model_flavor=mlflow.pyfunc, name=name, unwrap_model=True)
    assert model.lookup_table == table and hasattr(model, "predict")
    wrapped = local.load_latest_model(model_flavor=mlflow.pyfunc, name=name)
    assert not hasattr(wrapped, "lookup_table") and hasattr(wrapped, "predict")
    assert local.load_model_version(mlflow.pyfunc, name, version.version, unwrap_model=True).lookup_table == table


@pytest.mark.mlflow_server
def test_create_registered_model_and_model_version_with_the_originals_arguments(local, logged):
    name, _ = logged
    by_keyword = local.create_registered_model(name=_unique("create_registered_model_test"))
    assert by_keyword.name.endswith("_local")
    positional_name = _unique("positional")
    by_position = local.create_registered_model(positional_name, {"team": "sigma"}, "described")
    assert (by_position.name, by_position.tags, by_position.description) == (
        f"{positional_name}_local",
        {"team": "sigma"},
        "described",
    )
    source, run_id = _run_source(local)
    created = local.create_model_version(name, source, run_id, {"k": "v"}, None, "copy", 60)
    assert (created.name, created.tags, created.description) == (f"{name}_local", {"k": "v"}, "copy")
    keywords = local.create_model_version(
        name=name,
        source=source,
        run_id=run_id,
        tags=None,
        run_link=None,
        description="kw",
        await_creation_for=60,
    )
    assert keywords.name == f"{name}_local" and keywords.description == "kw"


@pytest.mark.mlflow_server
def test_transition_model_version_stage_sets_the_environments_stage(local, logged, mlflow_server):
    name, (version, _) = logged
    local.transition_model_version_stage(name, version.version, "Archived")
    assert local.transition_model_version_stage(name=name, version=version.version).current_stage == "Staging"
    local.transition_model_version_stage(name, version.version, "Archived")
    assert local.transition_model_version_stage(name, version.version).current_stage == "Staging"


@pytest.mark.mlflow_server
def test_promotion_in_production_archives_unless_told_not_to(mlflow_server):
    """A deliberate difference (README migration note): the original never archived; pass
    ``archive_existing_versions=False`` for its behaviour."""
    production = EnvMlflowClient("production", mlflow_server.uri, mlflow_server.uri)
    production.set_experiment("parity")
    name = _unique("promoted")
    first, _ = production.log_model_helper(mlflow.pyfunc, name, artifact_path="m", python_model=FakeModel())
    source, run_id = _run_source(production)
    second = production.create_model_version(name, source, run_id)
    production.transition_model_version_stage(name, second.version, archive_existing_versions=False)
    assert production.get_model_version(name, first.version).current_stage == "Production"
    third = production.create_model_version(name, source, run_id)
    assert production.transition_model_version_stage(name=name, version=third.version).current_stage == "Production"
    assert {production.get_model_version(name, v.version).current_stage for v in (first, second)} == {"Archived"}


@pytest.mark.mlflow_server
def test_create_experiment_if_not_exists(local):
    first_id = local.create_experiment_if_not_exists("experiment1")
    assert first_id is not None
    other_id = local.create_experiment_if_not_exists(name="other")
    assert local.create_experiment_if_not_exists("experiment1") == first_id != other_id
    assert local.get_experiment(first_id).name == "/experiments/local/experiment1"


# ------------------------------------------------------------------ log_model_helper across MLflow versions


@pytest.mark.mlflow_server
@pytest.mark.parametrize("keyword", ["artifact_path", "name"])
def test_artifact_path_and_name_are_one_argument_on_every_mlflow(local, keyword):
    """``artifact_path`` (MLflow 2, the original) and ``name`` (MLflow 3) both log under ``{path}_{env}``;
    no run is left active, and MLflow's ``artifact_path`` deprecation warning is not triggered."""
    local.set_experiment("helper")
    registered = _unique("spelled")
    with _no_artifact_path_deprecation():
        version, info = local.log_model_helper(
            mlflow.pyfunc, registered, **{keyword: "model"}, python_model=FakeModel()
        )
    assert info.artifact_path == "model_local"
    assert (version.name, version.current_stage) == (f"{registered}_local", "Staging")
    assert mlflow.active_run() is None
    assert isinstance(local.load_latest_model(mlflow.pyfunc, registered), mlflow.pyfunc.PyFuncModel)


def test_artifact_path_and_name_together_are_refused_before_any_request():
    client = EnvMlflowClient("local", tracking_uri="http://127.0.0.1:9")
    with pytest.raises(InvalidArgument) as excinfo:
        client.log_model_helper(mlflow.pyfunc, "m", artifact_path="a", name="b", python_model=FakeModel())
    assert excinfo.value.parameter == "name"


@pytest.mark.parametrize("call", ["load_model_version", "load_latest_model"])
def test_unwrap_model_must_be_a_bool(call):
    client = EnvMlflowClient("local", tracking_uri="http://127.0.0.1:9")
    arguments = (mlflow.pyfunc, "m", "1", "yes") if call == "load_model_version" else (mlflow.pyfunc, "m", "yes")
    with pytest.raises(InvalidArgument) as excinfo:
        getattr(client, call)(*arguments)
    assert excinfo.value.parameter == "unwrap_model"


def test_a_foreign_model_is_refused_where_the_original_suffixed_it_again():
    """A deliberate difference (README migration note): ``churn_prod`` in acc is refused, not ``churn_prod_acc``."""
    client = EnvMlflowClient("acc", tracking_uri="http://127.0.0.1:9")
    with pytest.raises(EnvironmentRuleViolation):
        client.get_registered_model("churn_prod")


@contextmanager
def _no_artifact_path_deprecation():
    """Fail when MLflow logs its ``artifact_path`` deprecation (MLflow 3 says it through logging)."""
    records: list[logging.LogRecord] = []
    handler = logging.Handler()
    handler.emit = records.append
    logger = logging.getLogger("mlflow")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    assert not [record for record in records if "artifact_path` is deprecated" in record.getMessage()]
