"""The workspace's request budget on ``mlenv migrate``'s MLflow clients.

Databricks throttles per workspace (``request_budget`` in ``workspace.yaml``) and MLflow's clients have no
limiter of their own. While a migration runs, every request its threads send to a REST API (a path under
``/api/``: the Workspace Model Registry, Unity Catalog's registry, their file endpoints) first takes a token of
one bucket, at the process's share of the budget (:func:`generator.request_budget.process_share`), so copying
models at once and downloading one version while the one before it uploads never adds requests per second. The
files themselves move to and from cloud storage (signed URLs, temporary credentials), outside the budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit

from generator.request_budget import TokenBucket

#: Where Databricks' REST APIs live on a workspace's host (the requests its budget counts).
API_PATH = "/api/"


@contextmanager
def paced_requests(rate: float) -> Iterator[None]:
    """While the block runs, each REST API request sent through ``requests`` (MLflow's HTTP client) waits for a
    token of a ``rate`` per second bucket shared by every thread."""
    from requests.adapters import HTTPAdapter

    bucket = TokenBucket(rate)
    send = HTTPAdapter.send

    def paced_send(adapter: HTTPAdapter, request: Any, *args: Any, **kwargs: Any) -> Any:
        if urlsplit(request.url).path.startswith(API_PATH):
            bucket.take()
        return send(adapter, request, *args, **kwargs)

    HTTPAdapter.send = paced_send  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        HTTPAdapter.send = send  # type: ignore[method-assign]
