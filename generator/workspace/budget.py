"""The workspace's request budget on mlenv's own reads: a token bucket in front of a databricks-sdk client.

Databricks throttles per workspace. Terraform's provider limits itself per process (``rate_limit``, set
from ``request_budget`` by the runner); databricks-sdk for Python has the setting but no limiter, so
mlenv's reads (audit, adopt, the existence check before a plan) take a token before each API call.
The bucket saves no more than one token, so the reads never burst; its rate is the process's share of the
budget (:func:`generator.request_budget.process_share`), like each Terraform process's.
"""

from __future__ import annotations

from typing import Any

from databricks.sdk import WorkspaceClient

from generator.request_budget import TokenBucket


def limit_requests(client: WorkspaceClient, rate: float) -> WorkspaceClient:
    """``client``, every API call of which first takes a token of a ``rate`` per second bucket."""
    bucket = TokenBucket(rate)
    api = client.api_client
    send = api.do

    def limited(*args: Any, **kwargs: Any) -> Any:
        bucket.take()
        return send(*args, **kwargs)

    api.do = limited  # type: ignore[method-assign]
    return client
