"""Before anything talks to Databricks: are there credentials, is the workspace there, does it take them?

One cheap authenticated call (SCIM ``Me``) through databricks-sdk with short timeouts, under an
overall deadline, so that a wrong host, a closed port, a DNS failure, a TLS or proxy problem, an
expired token or missing permissions each end in one line and exit 3 within seconds, before
Terraform starts or an audit begins. Credentials are resolved the standard way (environment
variables, then ``~/.databrickscfg`` profiles), as Terraform's provider resolves them.
"""

from __future__ import annotations

import logging
import socket
import ssl
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass

from databricks.sdk import WorkspaceClient
from databricks.sdk.config import Config
from databricks.sdk.errors import NotFound, PermissionDenied, TemporarilyUnavailable, TooManyRequests, Unauthenticated
from databricks.sdk.errors.base import DatabricksError
from requests.exceptions import ProxyError, SSLError

from generator.errors import MissingCredentials, WorkspaceUnreachable
from generator.workspace.connection import first_sentence
from generator.workspace.credentials import locate_credentials

#: Overall deadline of the preflight, in seconds, for a workspace that does not answer.
DEADLINE_SECONDS = 8.0
#: How long the preflight keeps asking a workspace that answers but is throttling (429) or busy (503): it is
#: there, and the commands after the preflight retry the same way (databricks-sdk and the provider).
BUSY_SECONDS = 60.0
CONNECT_SECONDS = 4.0


@dataclass(frozen=True)
class Reached:
    """The workspace answered: who the credentials belong to, and which workspace it is."""

    host: str
    user: str
    workspace_id: str


def preflight(action: str, expected_host: str | None = None, command: str = "") -> Reached:
    """Check that the standard Databricks credentials reach a workspace that accepts them.

    ``action`` says what the check is for ("plan", "audit the workspace"); ``command`` is what to rerun
    when the workspace stays busy (``mlenv audit``; by default ``mlenv ACTION``).

    ``expected_host``, when the settings name one, must be the host the credentials point at.
    Raises :class:`MissingCredentials` or :class:`WorkspaceUnreachable` with one line saying what
    failed and what to check.
    """
    logging.getLogger("databricks.sdk").setLevel(logging.CRITICAL)
    locate_credentials()  # no network: a missing credential is reported as such, at once
    busy = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(_check, action, busy, command)
        try:
            try:
                reached = future.result(timeout=DEADLINE_SECONDS)
            except FutureTimeout:
                if not busy.is_set():
                    raise
                reached = future.result(timeout=BUSY_SECONDS)  # it answers: throttled or busy, keep asking
        except FutureTimeout:
            if busy.is_set():
                raise WorkspaceUnreachable(_busy_message(action, locate_credentials().host, command)) from None
            raise WorkspaceUnreachable(
                f"cannot {action}: no answer from the workspace within {DEADLINE_SECONDS:.0f} s; check "
                "DATABRICKS_HOST, the network and any proxy (HTTPS_PROXY, NO_PROXY)"
            ) from None
        finally:
            pool.shutdown(wait=False, cancel_futures=True)
    if expected_host is not None and _normalized(reached.host) != _normalized(expected_host):
        raise WorkspaceUnreachable(
            f"cannot {action}: the credentials point at {reached.host}, but environments/workspace.yaml "
            f"names {expected_host} (databricks_host); check DATABRICKS_HOST or DATABRICKS_CONFIG_PROFILE"
        )
    return reached


def _check(action: str, busy: threading.Event, command: str) -> Reached:
    """The one call; ``busy`` is set while the workspace answers 429 or 503 (and the call is repeated)."""
    host = locate_credentials().host
    check_connection(action, host)
    try:
        config = Config(retry_timeout_seconds=3, http_timeout_seconds=int(CONNECT_SECONDS))
    except ValueError as error:
        raise MissingCredentials(f"cannot {action}: {first_sentence(error)}") from None
    host = config.host or host
    try:
        response = _ask_while_busy(WorkspaceClient(config=config), busy)
    except Unauthenticated:
        raise WorkspaceUnreachable(
            f"cannot {action}: {host} refused the credentials (401); check that the token "
            "or client secret is valid and not expired"
        ) from None
    except PermissionDenied:
        raise WorkspaceUnreachable(
            f"cannot {action}: {host} accepted the credentials but does not let them use "
            "this workspace (403); check the identity's workspace access"
        ) from None
    except NotFound:
        raise WorkspaceUnreachable(
            f"cannot {action}: {host} does not look like a Databricks workspace (no SCIM "
            "API there); check DATABRICKS_HOST"
        ) from None
    except DatabricksError as error:
        raise WorkspaceUnreachable(f"cannot {action}: {host} answered {first_sentence(error)}") from None
    except (TimeoutError, OSError) as error:
        if _throttled_or_busy(error):
            raise WorkspaceUnreachable(_busy_message(action, host, command)) from None
        raise WorkspaceUnreachable(f"cannot {action}: {network_reason(host, error)}") from None
    if not isinstance(response, dict):
        raise WorkspaceUnreachable(f"cannot {action}: {host} does not look like a Databricks workspace")
    return Reached(
        host,
        str(response.get("userName") or response.get("displayName") or ""),
        str(response.get("X-Databricks-Org-Id") or ""),
    )


def _ask_while_busy(client: WorkspaceClient, busy: threading.Event) -> object:
    """SCIM ``Me`` (with the workspace id header), asked again for :data:`BUSY_SECONDS` while the workspace
    answers 429 or 503 (databricks-sdk retries each call for 3 s only)."""
    deadline = time.monotonic() + BUSY_SECONDS
    while True:
        try:
            return client.api_client.do("GET", "/api/2.0/preview/scim/v2/Me", response_headers=["X-Databricks-Org-Id"])
        except TimeoutError as error:
            if not _throttled_or_busy(error) or time.monotonic() > deadline:
                raise
            busy.set()


def _throttled_or_busy(error: BaseException) -> bool:
    """Whether the SDK gave up on answers 429 (throttled) or 503 (temporarily unavailable)."""
    cause = error.__cause__ or error.__context__
    return isinstance(error, TooManyRequests | TemporarilyUnavailable) or (
        cause is not None and _throttled_or_busy(cause)
    )


def _busy_message(action: str, host: str, command: str) -> str:
    return (
        f"cannot {action}: {host} kept answering 'too many requests' (429) or 'temporarily unavailable' (503) "
        f"for {BUSY_SECONDS:.0f} s: the workspace is throttling or busy; rerun '{command or f'mlenv {action}'}' "
        "later (other jobs may be using the workspace's request budget)"
    )


def check_connection(action: str, host: str, setting: str = "DATABRICKS_HOST") -> None:
    """Resolve and connect to ``host`` directly (unless a proxy is configured for it), to name the failure;
    ``setting`` is where the host comes from."""
    url = urllib.parse.urlparse(host)
    hostname = url.hostname or ""
    if urllib.request.getproxies() and not urllib.request.proxy_bypass(hostname):
        return  # through a proxy: the SDK call below reports what goes wrong
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        addresses = socket.getaddrinfo(hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise WorkspaceUnreachable(
            f"cannot {action}: the host name {hostname!r} does not resolve (DNS); check {setting}"
        ) from None
    family, kind, protocol, _, address = addresses[0]
    try:
        with socket.socket(family, kind, protocol) as connection:
            connection.settimeout(CONNECT_SECONDS)
            connection.connect(address)
    except ConnectionRefusedError:
        raise WorkspaceUnreachable(
            f"cannot {action}: {hostname} refuses connections on port {port}; check {setting} (scheme and port)"
        ) from None
    except OSError:
        raise WorkspaceUnreachable(
            f"cannot {action}: no connection to {hostname}:{port} within "
            f"{CONNECT_SECONDS:.0f} s; check {setting}, the network, a firewall or "
            "a proxy (HTTPS_PROXY)"
        ) from None


def network_reason(host: str, error: BaseException, setting: str = "DATABRICKS_HOST") -> str:
    """What went wrong on the way to ``host`` (from ``setting``), from the exception and its causes."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and len(chain) < 10:
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = " ".join(str(item) for item in chain)
    if any(isinstance(item, SSLError | ssl.SSLError) for item in chain) or "CERTIFICATE_VERIFY_FAILED" in text:
        return (
            f"the TLS handshake with {host} failed; check the certificate (REQUESTS_CA_BUNDLE) or a proxy "
            "that intercepts TLS"
        )
    if any(isinstance(item, ProxyError) for item in chain):
        return "the proxy refused or failed the connection; check HTTPS_PROXY and NO_PROXY"
    return f"no answer from {host}; check {setting}, the network and any proxy (HTTPS_PROXY, NO_PROXY)"


def _normalized(host: str) -> str:
    return host.strip().rstrip("/").lower()
