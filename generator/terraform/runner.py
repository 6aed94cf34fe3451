"""Run Terraform (through python-terraform) against the offline provider mirror."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from python_terraform import IsFlagged, Terraform

from generator.manifests.roots import Root
from generator.paths import EXAMPLES_DIRECTORY, TERRAFORM_TEST_DIRECTORY
from generator.terraform.module_interface import module_directories, terraform_directories
from generator.terraform.process import Hidden, run_streamed
from generator.terraform.toolchain import Toolchain

#: Terraform's advice to commit .terraform.lock.hcl, and its warning that the checksums were computed locally:
#: the provider is built from source here, so its checksum is not the registry's and the lock file is not
#: committed (README, "Terraform modules"); repeating the advice on every init would contradict that.
_LOCK_FILE_ADVICE = (
    Hidden("Terraform has created a lock file", 'you run "terraform init" in the future.'),
    Hidden("Warning: Incomplete lock file information for providers", "platform to generate)"),
)


@dataclass(frozen=True)
class StepResult:
    """Outcome of one Terraform command in one directory."""

    directory: str
    command: str
    returncode: int
    stderr_tail: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """Whether Terraform exited 0."""
        return self.returncode == 0


class _Terraform(Terraform):  # type: ignore[misc]  # python-terraform ships no type information
    """python-terraform without its parsing of ``terraform.tfstate`` after each command.

    mlenv never reads state through it, and that parsing fails on an empty or partial state file.
    """

    def read_state_file(self, file_path: str | None = None) -> None:
        self.tfstate = None


#: The variable the provider (its Go SDK) reads its per-process request rate from (``rate_limit``).
RATE_LIMIT_VARIABLE = "DATABRICKS_RATE_LIMIT"


#: Terraform's default number of operations in flight per process.
DEFAULT_PARALLELISM = 10


def parallelism_share(processes: int) -> int:
    """Each of ``processes`` parallel Terraform processes' ``-parallelism``, so that together they keep no more
    operations in flight than one process does by default; at least 1.

    The rate limit alone does not bound the provider (v1.126): resources that take its unified-provider path
    (``databricks_permissions``) get a client per operation, whose limiter starts full, so their reads and
    their lookups of the current user are bounded only by how many operations are in flight.
    """
    return max(1, DEFAULT_PARALLELISM // max(1, processes))


class TerraformRunner:
    """Terraform commands in the repository at ``root``, output streamed to this process's stdout/stderr."""

    def __init__(
        self,
        root: Path,
        toolchain: Toolchain,
        rate_limit: int | None = None,
        prefix: str = "",
        parallelism: int | None = None,
    ):
        """``rate_limit``: requests per second the provider of each Terraform process may send (the process's
        share of the workspace's request budget); ``None`` leaves the provider's default. ``prefix``: put before
        each line of Terraform's output (the root's name, when several roots run at once). ``parallelism``: the
        ``-parallelism`` of ``plan`` and ``apply`` (``None``: Terraform's default)."""
        self.root = root
        self.toolchain = toolchain
        self.rate_limit = rate_limit
        self.prefix = prefix
        self.parallelism = parallelism

    def module_directories(self) -> list[Path]:
        """Every reusable module under ``modules/``, sorted."""
        return module_directories(self.root)

    def example_directories(self) -> list[Path]:
        """Every example root module under ``examples/``, sorted."""
        return terraform_directories(self.root / EXAMPLES_DIRECTORY)

    def run(self, directory: Path, command: str, *args: str, **options: object) -> StepResult:
        """Run ``terraform COMMAND`` in ``directory``, streaming its output (see :mod:`.process`)."""
        terraform = _Terraform(working_dir=str(directory), terraform_bin_path=str(self.toolchain.terraform))
        options.setdefault("no_color", IsFlagged)
        if self.parallelism is not None and command in ("plan", "apply"):
            options.setdefault("parallelism", self.parallelism)
        argv = terraform.generate_cmd_string(command, *args, **options)
        hidden = _LOCK_FILE_ADVICE if command == "init" else ()
        finished = run_streamed(argv, directory, self.environment(), hidden, self.prefix)
        return StepResult(self._display(directory), command, finished.returncode, finished.stderr_tail)

    def passthrough(self, directory: Path, arguments: list[str]) -> StepResult:
        """Run ``terraform ARGUMENTS`` as given in ``directory``, with the same environment as every other command,
        streaming its output."""
        argv = [str(self.toolchain.terraform), *arguments]
        finished = run_streamed(argv, directory, self.environment(), (), self.prefix)
        command = arguments[0] if arguments else ""
        return StepResult(self._display(directory), command, finished.returncode, finished.stderr_tail)

    def capture(self, directory: Path, command: str, *args: str) -> tuple[int, str]:
        """Run ``terraform COMMAND ARGS`` in ``directory`` and return its exit code and stdout."""
        terraform = _Terraform(working_dir=str(directory), terraform_bin_path=str(self.toolchain.terraform))
        with self._environment():
            code, out, _ = terraform.cmd(command, *args, no_color=IsFlagged)
        return code, out

    def environment(self) -> dict[str, str]:
        """Terraform's process environment: the toolchain's, and the provider's rate limit when one is set
        (``DATABRICKS_RATE_LIMIT``, which the provider's SDK reads; a lower value already set is kept)."""
        environment = self.toolchain.environment()
        if self.rate_limit is not None:
            inherited = environment.get(RATE_LIMIT_VARIABLE, "")
            limit = (
                min(self.rate_limit, int(inherited)) if inherited.isdigit() and int(inherited) > 0 else self.rate_limit
            )
            environment[RATE_LIMIT_VARIABLE] = str(limit)
        return environment

    def init(self, directory: Path) -> StepResult:
        """``terraform init -backend=false -input=false`` against the mirror."""
        return self.run(directory, "init", backend=False, input=False)

    def validate_all(self, roots: list[Root]) -> list[StepResult]:
        """Init and validate ``roots``, every module, then every example; stops at the first failure."""
        return self._init_then("validate", roots, self.example_directories())

    def test_all(self, roots: list[Root]) -> list[StepResult]:
        """Init and ``terraform test`` the generated tests of ``roots`` and every module; stops at the first
        failure."""
        return self._init_then("test", roots)

    def _init_then(self, command: str, roots: list[Root], after_modules: list[Path] | None = None) -> list[StepResult]:
        results: list[StepResult] = []
        directories = [self.root / root.directory for root in roots]
        for directory in [*directories, *self.module_directories(), *(after_modules or [])]:
            for step in ("init", command):
                result = self.init(directory) if step == "init" else self._command(directory, step)
                results.append(result)
                if not result.ok:
                    return results
        return results

    def _command(self, directory: Path, command: str) -> StepResult:
        if command == "test" and directory == self.root:
            return self.run(directory, "test", test_directory=TERRAFORM_TEST_DIRECTORY)
        return self.run(directory, command)

    def _display(self, directory: Path) -> str:
        # Not resolved: a module directory may be reached through a symlink (examples/unity-catalog/modules).
        relative = Path(os.path.relpath(directory.absolute(), self.root.absolute())).as_posix()
        return relative if relative != "." else "root"

    @contextmanager
    def _environment(self) -> Iterator[None]:
        # python-terraform passes a copy of os.environ to Terraform.
        saved = dict(os.environ)
        os.environ.update(self.environment())
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)
