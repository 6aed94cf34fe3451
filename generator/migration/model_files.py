"""What a version's ``MLmodel`` file says about it: why Unity Catalog would refuse its signature, and which of the
files it names are missing."""

from __future__ import annotations

from collections.abc import Mapping

import yaml


def signature_problem(mlmodel: bytes) -> tuple[str, bool]:
    """Why Unity Catalog refuses the model whose ``MLmodel`` file is ``mlmodel`` (``""``: it does not), and
    whether the model logged an input example."""
    try:
        document = yaml.safe_load(mlmodel.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return "its MLmodel file is not valid YAML", False
    if not isinstance(document, dict):
        return "its MLmodel file is not a mapping", False
    example = bool(document.get("saved_input_example_info"))
    signature = document.get("signature")
    if not isinstance(signature, dict) or not signature.get("inputs"):
        return "it has no signature (Unity Catalog requires inputs and outputs)", example
    if not signature.get("outputs"):
        return "its signature has inputs only (Unity Catalog requires outputs too)", example
    return "", example


#: The keys under an ``MLmodel`` flavour whose values are files or directories of the model (MLflow's flavours).
_FILE_KEYS = frozenset({"pickled_model", "python_model", "data", "model_path", "model_data", "code", "artifacts"})


def absent_files(mlmodel: bytes, files: Mapping[str, int]) -> list[str]:
    """The files and directories ``mlmodel`` names (in its flavours, their environments and its input example)
    that are not among ``files`` (paths relative to the model, as listed), sorted."""
    try:
        document = yaml.safe_load(mlmodel.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return []
    if not isinstance(document, dict):
        return []
    named: set[str] = set()
    for flavour in (document.get("flavors") or {}).values():
        if not isinstance(flavour, dict):
            continue
        named |= {value for key, value in flavour.items() if key in _FILE_KEYS and isinstance(value, str)}
        environment = flavour.get("env")
        if isinstance(environment, dict):
            named |= {value for value in environment.values() if isinstance(value, str)}
        elif isinstance(environment, str):
            named.add(environment)
    example = document.get("saved_input_example_info")
    if isinstance(example, dict) and isinstance(example.get("artifact_path"), str):
        named.add(example["artifact_path"])
    present = set(files)
    return sorted(
        name
        for name in named
        if name.strip("/") not in present and not any(path.startswith(f"{name.strip('/')}/") for path in present)
    )
