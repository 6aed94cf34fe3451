"""``mlenv migrate``'s MLflow clients keep to the workspace's request budget (generator.migration.pacing).

A local HTTP server records when each request arrives; MLflow's own HTTP helper sends them from several
threads, as the migration's copies and downloads do.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest
from mlflow.utils.rest_utils import MlflowHostCreds, http_request

from generator.migration.pacing import paced_requests


class _Recorder(BaseHTTPRequestHandler):
    arrivals: ClassVar[list[tuple[float, str]]] = []
    lock = threading.Lock()

    def do_GET(self) -> None:
        with self.lock:
            self.arrivals.append((time.monotonic(), self.path))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *arguments: object) -> None:
        """Quiet."""


@pytest.fixture
def server() -> Iterator[str]:
    _Recorder.arrivals = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def _send(host: str, paths: list[str], threads: int = 4) -> float:
    """Send GET ``paths`` through MLflow's HTTP helper from ``threads`` threads; the seconds it took."""
    creds = MlflowHostCreds(host)
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(lambda path: http_request(creds, path, "GET"), paths))
    assert all(answer.status_code == 200 for answer in answers)
    return time.monotonic() - started


def test_api_requests_from_every_thread_share_one_budget(server):
    rate = 20
    with paced_requests(rate):
        _send(server, ["/api/2.0/mlflow/registered-models/get"] * 30)
    times = sorted(arrival for arrival, _ in _Recorder.arrivals)
    assert len(times) == 30
    assert times[-1] - times[0] >= (30 - 1) / rate - 0.1, "30 requests at 20 per second take 1.45 seconds"
    busiest = max(sum(1 for other in times if start <= other < start + 1) for start in times)
    assert busiest <= rate + 1, f"{busiest} requests in one second, above the budget of {rate}"


def test_files_outside_the_api_and_requests_after_the_migration_are_not_paced(server):
    with paced_requests(4):
        unpaced_files = _send(server, ["/files/model.pkl"] * 12)
    unpaced_after = _send(server, ["/api/2.0/mlflow/registered-models/get"] * 12)
    assert unpaced_files < 2, "12 file transfers would take 2.75 seconds at the API's pace"
    assert unpaced_after < 2, "the pacing ends with the migration"
