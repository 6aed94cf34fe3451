"""A Workspace Model Registry to migrate from: a real MLflow server holding versions with distinct files,
stages, tags and descriptions (shared by the migration tests and ``benchmarks/migrate_throughput``)."""

from __future__ import annotations

from pathlib import Path

from mlflow import MlflowClient

SIGNATURE = (
    "signature:\n"
    '  inputs: \'[{"type": "double", "name": "x", "required": true}]\'\n'
    '  outputs: \'[{"type": "double", "name": "y", "required": true}]\'\n'
)


def model_files(directory: Path, content: str, signed: bool = True) -> Path:
    """An MLflow model directory: its MLmodel (with a signature unless ``signed`` is false) and a data file."""
    directory.mkdir(parents=True)
    mlmodel = "artifact_path: model\nflavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"
    (directory / "MLmodel").write_text(mlmodel + (SIGNATURE if signed else ""))
    (directory / "data").mkdir()
    (directory / "data" / "weights.txt").write_text(content)
    return directory


def register(client: MlflowClient, scratch: Path, name: str, number: int, stage: str, signed: bool = True) -> None:
    """Log a model with distinct files in a new run and register it as version ``number`` of ``name``, with tags
    (``team``, ``version``), a description on even versions, and ``stage`` (``None`` leaves it)."""
    experiment = client.get_experiment_by_name("migration") or client.get_experiment(
        client.create_experiment("migration")
    )
    run = client.create_run(experiment.experiment_id)
    files = model_files(scratch / f"{name}-{number}", f"{name} version {number}\n" * (number * 10), signed)
    client.log_artifacts(run.info.run_id, str(files), "model")
    client.set_terminated(run.info.run_id)
    tags = {"team": name.rpartition("_")[2], "version": str(number)}
    description = f"version {number} of {name}" if number % 2 == 0 else ""
    version = client.create_model_version(
        name, f"runs:/{run.info.run_id}/model", run.info.run_id, tags=tags, description=description
    )
    assert int(version.version) == number
    if stage != "None":
        client.transition_model_version_stage(name, version.version, stage)


def add_models(repository: Path, environments: tuple[str, ...], models: tuple[str, ...]) -> None:
    """Declare ``models`` (besides those there) in each environment's manifest of ``repository``."""
    for environment in environments:
        manifest = repository / f"environments/{environment}.yaml"
        text = manifest.read_text()
        declared = "".join(f"  - {model}\n" for model in models if f"  - {model}\n" not in text)
        manifest.write_text(text.replace("models:\n", "models:\n" + declared, 1))
