"""A local stand-in for the few CI service endpoints the pipeline templates call.

GitHub: the successful runs of a workflow (``GET /repos/{owner}/{repo}/actions/workflows/{file}/runs``).
Azure DevOps: the succeeded builds of a pipeline (``GET /{org}/{project}/_apis/build/builds``) and the
comment threads of a pull request (list, create, edit a comment). Answers have the real response
shapes (only the fields the templates read); anything else answers 501. Every request is recorded.
"""

from __future__ import annotations

import json
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

CI_TOKEN = "ci-job-token"


@dataclass
class Request:
    """One request: method, path, query, the Authorization header and the JSON body."""

    method: str
    path: str
    query: dict[str, str]
    authorization: str
    body: Any


@dataclass
class FakeCiService:
    """What the stand-in knows: the commit of each successful deployment run (newest last) and PR threads."""

    github_successes: dict[str, list[str]] = field(default_factory=dict)
    azure_successes: dict[str, list[str]] = field(default_factory=dict)
    threads: list[dict[str, Any]] = field(default_factory=list)
    requests: list[Request] = field(default_factory=list)

    def answer(self, request: Request) -> tuple[int, Any]:
        """Status and JSON body."""
        self.requests.append(request)
        if request.authorization != f"Bearer {CI_TOKEN}":
            return 401, {"message": "Bad credentials"}
        runs = re.fullmatch(r"/repos/[^/]+/[^/]+/actions/workflows/([^/]+)/runs", request.path)
        if runs and request.method == "GET":
            shas = self.github_successes.get(runs.group(1), []) if request.query.get("status") == "success" else []
            return 200, {"total_count": len(shas), "workflow_runs": [{"head_sha": sha} for sha in reversed(shas)]}
        builds = re.fullmatch(r"/[^/]+/[^/]+/_apis/build/builds", request.path)
        if builds and request.method == "GET":
            wanted = (
                request.query.get("resultFilter") == "succeeded" and request.query.get("statusFilter") == "completed"
            )
            shas = self.azure_successes.get(request.query.get("definitions", ""), []) if wanted else []
            top = int(request.query.get("$top", "1000"))
            return 200, {
                "count": min(len(shas), top),
                "value": [{"sourceVersion": sha} for sha in reversed(shas)][:top],
            }
        threads = re.fullmatch(r"/[^/]+/[^/]+/_apis/git/repositories/[^/]+/pullRequests/\d+/threads", request.path)
        if threads and request.method == "GET":
            return 200, {"count": len(self.threads), "value": self.threads}
        if threads and request.method == "POST":
            thread = {"id": len(self.threads) + 1, "status": request.body.get("status"), "comments": []}
            for number, comment in enumerate(request.body["comments"], start=1):
                thread["comments"].append({"id": number, "content": comment["content"]})
            self.threads.append(thread)
            return 200, thread
        comment = re.fullmatch(r".*/pullRequests/\d+/threads/(\d+)/comments/(\d+)", request.path)
        if comment and request.method == "PATCH":
            thread = next(thread for thread in self.threads if thread["id"] == int(comment.group(1)))
            found = next(item for item in thread["comments"] if item["id"] == int(comment.group(2)))
            found["content"] = request.body["content"]
            return 200, found
        return 501, {"message": f"the CI stand-in does not implement {request.method} {request.path}"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def _serve(self) -> None:
        service: FakeCiService = self.server.service  # type: ignore[attr-defined]
        parsed = urllib.parse.urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        request = Request(
            self.command,
            parsed.path,
            dict(urllib.parse.parse_qsl(parsed.query)),
            self.headers.get("Authorization", ""),
            json.loads(raw) if raw.strip() else None,
        )
        status, body = service.answer(request)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PATCH = _serve

    def log_message(self, *arguments: object) -> None:
        """Quiet."""


class FakeCiApi:
    """The HTTP server around a :class:`FakeCiService`; use as a context manager. ``url`` has no trailing slash."""

    def __init__(self, service: FakeCiService | None = None):
        self.service = service or FakeCiService()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.service = self.service  # type: ignore[attr-defined]
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeCiApi:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
