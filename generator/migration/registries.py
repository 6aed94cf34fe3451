"""MLflow clients of both registries, and MLflow's failures as mlenv's errors.

The source is the Workspace Model Registry (``databricks``, or any MLflow registry URI); the target
is Unity Catalog as each environment's principal (``databricks-uc://{env}`` names one Databricks
profile per environment). MLflow is imported here, and only when ``mlenv migrate`` runs.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from generator.errors import CredentialsRefused, Unavailable

Result = TypeVar("Result")
#: MLflow's error codes for a refusal and for something that does not exist.
PERMISSION_DENIED = "PERMISSION_DENIED"
NOT_FOUND = "RESOURCE_DOES_NOT_EXIST"
#: The file MLflow writes into a downloaded registry version (which model and version it came from): written by
#: the download, not stored with the version, so left out of the comparison.
DOWNLOAD_MARKER = "registered_model_meta"


@dataclass(frozen=True)
class RegistryUris:
    """Where to read from and write to; ``target`` may hold ``{env}``."""

    tracking: str
    source: str
    target: str

    def target_for(self, environment: str) -> str:
        """The Unity Catalog registry URI of ``environment``'s principal."""
        return self.target.replace("{env}", environment)


def mlflow_module() -> Any:
    """MLflow, or :class:`Unavailable` saying how to install it."""
    try:
        import mlflow
    except ImportError as missing:
        raise Unavailable(
            f"mlenv migrate needs MLflow 3.4 or newer ({missing}); install it with: pip install 'mlenv[migrate]'"
        ) from None
    return mlflow


def error_code(error: BaseException) -> str:
    """MLflow's error code of ``error`` (``""`` when it is not an MLflow error)."""
    return str(getattr(error, "error_code", "") or "")


class Registries:
    """One source client, one target client per environment (created on first use), and file access to both."""

    def __init__(self, uris: RegistryUris):
        self.uris = uris
        self._mlflow = mlflow_module()
        self._targets: dict[str, Any] = {}
        self.source = self._mlflow.MlflowClient(tracking_uri=uris.tracking, registry_uri=uris.source)
        #: How many whole versions this migration's checks downloaded, and how many single files (``MLmodel``) its
        #: plan read.
        self.downloads = 0
        self.file_reads = 0
        self._counting = threading.Lock()

    def target(self, environment: str) -> Any:
        """The MLflow client that writes ``environment``'s Unity Catalog models as its principal."""
        if environment not in self._targets:
            self._targets[environment] = self._mlflow.MlflowClient(
                tracking_uri=self.uris.tracking, registry_uri=self.uris.target_for(environment)
            )
        return self._targets[environment]

    @contextmanager
    def source_as_default(self) -> Iterator[None]:
        """MLflow's default tracking and registry URIs set to the source while the block runs (all of a
        migration): MLflow resolves a source version's ``models:/churn_prod/7`` through its default registry (as
        its own ``copy_model_version`` does), for the copy's downloads and for the checks'.
        """
        tracking = self._mlflow.get_tracking_uri()
        registry = self._mlflow.get_registry_uri()
        self._mlflow.set_tracking_uri(self.uris.tracking)
        self._mlflow.set_registry_uri(self.uris.source)
        try:
            yield
        finally:
            self._mlflow.set_tracking_uri(tracking)
            self._mlflow.set_registry_uri(registry)

    def files(self, model_uri: str, registry_uri: str) -> dict[str, int]:
        """Every file of the model version ``model_uri`` and its size, listed without downloading."""
        repository = self._repository(model_uri, registry_uri)
        found: dict[str, int] = {}
        pending = [""]
        while pending:
            for entry in repository.list_artifacts(pending.pop() or None):
                if entry.is_dir:
                    pending.append(entry.path)
                else:
                    found[entry.path] = int(entry.file_size or 0)
        return found

    def read_file(self, model_uri: str, registry_uri: str, path: str) -> bytes:
        """One file of the model version ``model_uri`` (``MLmodel``)."""
        with self._counting:
            self.file_reads += 1
        with tempfile.TemporaryDirectory(prefix="mlenv-migrate-") as directory:
            return Path(self._repository(model_uri, registry_uri).download_artifacts(path, directory)).read_bytes()

    def checksums(self, model_uri: str, registry_uri: str) -> tuple[dict[str, str], bytes | None]:
        """The sha256 of every file of the model version ``model_uri`` (downloaded to a temporary directory),
        and its ``MLmodel`` file (``None`` when it has none)."""
        with self._counting:
            self.downloads += 1
        with tempfile.TemporaryDirectory(prefix="mlenv-migrate-") as directory:
            local = Path(self._repository(model_uri, registry_uri).download_artifacts("", directory))
            mlmodel = local / "MLmodel"
            return sha256_of(local), mlmodel.read_bytes() if mlmodel.is_file() else None

    def download(self, model_uri: str, directory: Path) -> Path:
        """The files of the source version ``model_uri`` downloaded into ``directory`` (for a copy: not counted
        among the checks' :attr:`downloads`)."""
        directory.mkdir(parents=True)
        return Path(self._repository(model_uri, self.uris.source).download_artifacts("", str(directory)))

    def _repository(self, model_uri: str, registry_uri: str) -> Any:
        """The files of ``model_uri`` in ``registry_uri``: Unity Catalog's repository for the target; for the
        source, MLflow's ``models:/`` repository through the default registry (:meth:`source_as_default`), the
        one way every MLflow since 3.4 resolves it (``registry_uri=`` came later)."""
        if registry_uri == self.uris.source:
            from mlflow.store.artifact.models_artifact_repo import ModelsArtifactRepository

            return ModelsArtifactRepository(model_uri)
        from mlflow.store.artifact import unity_catalog_models_artifact_repo

        unity_catalog: Any = unity_catalog_models_artifact_repo.UnityCatalogModelsArtifactRepository
        return unity_catalog(artifact_uri=model_uri, registry_uri=registry_uri)


def sha256_of(directory: Path) -> dict[str, str]:
    """The sha256 of every file of a version downloaded into ``directory`` (by path relative to it), without the
    marker the download writes."""
    return {
        path.relative_to(directory).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*"))
        if path.is_file() and path.relative_to(directory).as_posix() != DOWNLOAD_MARKER
    }


def guarded(what: str, call: Callable[[], Result]) -> Result:
    """``call()``, with a refusal of the credentials raised as :class:`CredentialsRefused` and an unreachable one as
    :class:`Unavailable`; both name ``what`` was being done."""
    try:
        return call()
    except Exception as error:
        code = error_code(error)
        if code == PERMISSION_DENIED:
            raise CredentialsRefused(
                f"[uc-owner-creates-versions] {what}: the registry refused the credentials ({_first_line(error)}); "
                "only the model's owner (the environment's group) writes versions, tags and aliases in Unity "
                "Catalog: run as the environment's service principal (--target-registry-uri databricks-uc://{env} "
                "with one Databricks profile per environment)"
            ) from None
        if code or _is_connection_error(error):
            raise Unavailable(f"{what}: {_first_line(error)} (rerun mlenv migrate; it resumes)") from None
        raise


def _first_line(error: BaseException) -> str:
    message = str(getattr(error, "message", "") or error)
    return message.strip().splitlines()[0] if message.strip() else type(error).__name__


#: Packages whose errors mean the registry or its storage could not be reached (the S3 client moves the files).
_TRANSPORT_PACKAGES = ("requests", "urllib3", "botocore", "boto3")


def _is_connection_error(error: BaseException) -> bool:
    if isinstance(error, ConnectionError | TimeoutError):
        return True
    return any(kind.__module__.partition(".")[0] in _TRANSPORT_PACKAGES for kind in type(error).__mro__)
