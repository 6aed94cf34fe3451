"""Benchmark: ``mlenv access --history`` over a long history, first run and repeated run.

A synthetic repository (``--environments`` x ``--models``, every 10th environment production) gets ``--commits``
commits on main, written with ``git fast-import``: each adds a model to one environment (the next one in turn);
every ``--merge-every``-th is made on a branch and merged with a merge commit ("Merge pull request #N"), the others
are made on main. For each size, the history is computed with no cache (the first run: every commit's permission
model), again (the repeated run: everything from ``.mlenv/history/``) and after one more commit (the incremental
run). Prints seconds, commits per second and events.

    .venv/bin/python -m benchmarks.access_history_scale [--environments 100] [--models 20]
        [--commits 250 500 1000 2000] [--merge-every 4]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from generator.paths import HISTORY_CACHE_DIRECTORY

SETTINGS = "terraform_identity:\n  application_id: 0d6e4c2b-5a7f-4e1d-9b3c-8f2a6e4d1c05\n"


def manifest(index: int, models: int) -> str:
    """Environment ``index``'s manifest; its ``models:`` list comes last, so a line appended adds a model."""
    lines = [
        f"production: {'true' if index % 10 == 0 else 'false'}",
        "service_principals:",
        f"  - application_id: {uuid.UUID(int=index + 1)}",
        f"    display_name: env{index:03d}-runner",
        "experiment_readers: [data-scientists]",
        "models:",
        *(f"  - name: model{m:03d}\n    readers: [data-scientists]" for m in range(models)),
    ]
    return "\n".join(lines) + "\n"


def _blob(path: str, text: str) -> bytes:
    data = text.encode()
    return f"M 100644 inline {path}\ndata {len(data)}\n".encode() + data + b"\n"


def _commit(ref: str, mark: int, when: int, message: str, parents: list[int], changes: list[bytes]) -> bytes:
    text = message.encode()
    head = f"commit {ref}\nmark :{mark}\ncommitter Bench <bench@example.com> {when} +0000\ndata {len(text)}\n"
    links = "".join(
        f"{'from' if position == 0 else 'merge'} :{parent}\n" for position, parent in enumerate(parents)
    ).encode()
    return head.encode() + text + b"\n" + links + b"".join(changes)


def build(root: Path, environments: int, models: int, commits: int, merge_every: int) -> None:
    """The synthetic repository at ``root`` with ``commits`` commits after the first."""
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True)
    texts = {index: manifest(index, models) for index in range(environments)}
    stream = [_blob("environments/workspace.yaml", SETTINGS)]
    stream += [_blob(f"environments/env{index:03d}.yaml", text) for index, text in texts.items()]
    started = 1_767_225_600  # 2026-01-01
    out = [_commit("refs/heads/main", 1, started, "onboard every environment", [], stream)]
    main, mark = 1, 1
    for number in range(1, commits + 1):
        index = number % environments
        texts[index] += f"  - extra{number:05d}\n"
        change = [_blob(f"environments/env{index:03d}.yaml", texts[index])]
        when = started + number * 3600
        if number % merge_every == 0:
            branch = mark + 1
            out.append(_commit("refs/heads/feature", branch, when, f"add extra{number:05d}", [main], change))
            mark = branch + 1
            merge = f"Merge pull request #{number} from team/feature"
            out.append(_commit("refs/heads/main", mark, when + 60, merge, [main, branch], change))
        else:
            mark += 1
            out.append(_commit("refs/heads/main", mark, when, f"add extra{number:05d}", [main], change))
        main = mark
    subprocess.run(["git", "-C", str(root), "fast-import", "--quiet"], input=b"".join(out), check=True)
    subprocess.run(["git", "-C", str(root), "checkout", "-q", "-f", "main"], check=True)


def timed(root: Path) -> tuple[float, str]:
    """Seconds ``mlenv access --history --format csv`` took in ``root``, and its stderr's summary."""
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "generator", "--repository", str(root), "access", "--history", "--format", "csv"],
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"mlenv access --history exited {result.returncode}: {result.stderr[-2000:]}")
    return elapsed, f"{result.stdout.count(chr(10)) - 1} events"


def main() -> None:
    """Build each size, then time the first, repeated and incremental runs."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--environments", type=int, default=100)
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--commits", type=int, nargs="+", default=[250, 500, 1000, 2000])
    parser.add_argument("--merge-every", type=int, default=4)
    arguments = parser.parse_args()
    print(f"{arguments.environments} environments x {arguments.models} models; one model added per commit\n")
    print(f"{'commits':>7}  {'first run':>10}  {'commits/s':>9}  {'repeated':>9}  {'+1 commit':>9}  {'events':>13}")
    with tempfile.TemporaryDirectory(prefix="mlenv-history-bench-") as scratch:
        for commits in arguments.commits:
            root = Path(scratch) / f"repository-{commits}"
            build(root, arguments.environments, arguments.models, commits, arguments.merge_every)
            first, events = timed(root)
            repeated, _ = timed(root)
            path = root / f"environments/env{(commits + 1) % arguments.environments:03d}.yaml"
            path.write_text(path.read_text() + "  - one_more\n")
            subprocess.run(["git", "-C", str(root), "commit", "-qam", "one more", "--author", "B <b@x>"], check=True)
            incremental, _ = timed(root)
            print(
                f"{commits:>7}  {first:>8.1f} s  {commits / first:>9.1f}  {repeated:>7.2f} s  {incremental:>7.2f} s  "
                f"{events:>13}"
            )
            shutil.rmtree(root / HISTORY_CACHE_DIRECTORY, ignore_errors=True)


if __name__ == "__main__":
    main()
