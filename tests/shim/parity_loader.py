"""The ``loader_module`` of a pyfunc model with data, like the original client's test model."""

import json
from pathlib import Path


class LookupModel:
    """What the loader returns: the custom implementation that ``unwrap_model=True`` hands back."""

    def __init__(self, lookup_table: dict) -> None:
        self.lookup_table = lookup_table

    def predict(self, model_input, params=None):
        return [self.lookup_table.get(str(item)) for item in model_input]


def _load_pyfunc(path: str) -> LookupModel:
    """Called by MLflow with the model's data directory."""
    return LookupModel(json.loads((Path(path) / "table.json").read_text(encoding="utf-8")))
