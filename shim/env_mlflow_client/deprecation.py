"""``@stage_api`` marks the client methods that use model registry stages (deprecated in MLflow 2.9).

MLflow warns (FutureWarning) on every stage call. A decorated method silences MLflow's stage
warnings inside the call and says it once per process instead, pointing at the user's line: the
first frame outside this package and outside MLflow (a stage call may come from
``log_model_helper``, or from MLflow's own methods calling the client back).
"""

from __future__ import annotations

import functools
import sys
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import ParamSpec, TypeVar

import mlflow

P = ParamSpec("P")
R = TypeVar("R")

STAGE_NOTICE = (
    "model registry stages are deprecated in MLflow; env_mlflow_client keeps them working "
    "and enforces the same rules on aliases (see its README)"
)
#: The start of every stage warning of MLflow (``filterwarnings`` matches it case-insensitively).
_MLFLOW_STAGE_WARNING = r".*model registry stages"
_INTERNAL = (Path(__file__).parent, Path(mlflow.__file__).parent)
#: Set once the notice was shown in this process.
_NOTICE_SHOWN = threading.Event()


def stage_api(method: Callable[P, R]) -> Callable[P, R]:
    """Run ``method`` without MLflow's stage warnings; say once per process that stages are deprecated."""

    @functools.wraps(method)
    def call(*args: P.args, **kwargs: P.kwargs) -> R:
        if not _NOTICE_SHOWN.is_set():
            _NOTICE_SHOWN.set()
            warnings.warn(STAGE_NOTICE, FutureWarning, stacklevel=_user_stacklevel())
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_MLFLOW_STAGE_WARNING, category=FutureWarning)
            return method(*args, **kwargs)

    return call


def _user_stacklevel() -> int:
    """The ``stacklevel``, for a warning issued by the caller, of the first frame outside this package and MLflow."""
    frame: FrameType | None = sys._getframe(1)
    level = 1
    while frame is not None and any(Path(frame.f_code.co_filename).is_relative_to(path) for path in _INTERNAL):
        frame, level = frame.f_back, level + 1
    return level
