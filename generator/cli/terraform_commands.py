"""Commands that run Terraform on the modules, the generated tests and the roots: toolchain, validate --terraform,
tftest, module-docs, init (after a backend change) and terraform (any command in a root, set up as mlenv runs it);
``plan`` and ``apply`` are in :mod:`.plan_commands`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from python_terraform import IsFlagged

from generator.atomic_files import write_atomically
from generator.deployment.parallel import runner_for
from generator.errors import ExitCode, InvalidInput, Problem
from generator.manifests.environments import Manifests
from generator.manifests.roots import roots_of, select_roots
from generator.model.checked import load_and_check
from generator.paths import SHARED_ROOT_NAME
from generator.terraform.failures import raise_for
from generator.terraform.module_docs import render_module_docs
from generator.terraform.runner import StepResult, TerraformRunner
from generator.terraform.toolchain import locate, prepare


def toolchain(arguments: argparse.Namespace) -> int:
    """``mlenv toolchain``: build or reuse the provider and install Terraform."""
    prepare()
    return ExitCode.OK


def validate_terraform(root: Path, manifests: Manifests) -> int:
    """Init and validate the repository's roots, every module and every example against the real provider."""
    return _steps(root, lambda runner: runner.validate_all(roots_of(manifests)))


def tftest(arguments: argparse.Namespace) -> int:
    """``mlenv tftest``: ``terraform test`` the generated tests of the repository's roots and every module."""
    roots = roots_of(load_and_check(arguments.repository).manifests)
    return _steps(arguments.repository, lambda runner: runner.test_all(roots))


def module_docs(arguments: argparse.Namespace) -> int:
    """``mlenv module-docs``: write the Inputs and Outputs of each module README, or list the stale ones."""
    root: Path = arguments.repository
    readmes = render_module_docs(root)
    stale = [path for path, text in readmes.items() if (root / path).read_text(encoding="utf-8") != text]
    if arguments.check:
        if stale:
            print(
                "stale module READMEs (run: mlenv module-docs):",
                *(f"  {path}" for path in stale),
                sep="\n",
                file=sys.stderr,
            )
            return ExitCode.CHANGES
        print(f"{len(readmes)} module READMEs are up to date")
        return ExitCode.OK
    for path in stale:
        write_atomically(root / path, readmes[path])
        print(f"wrote {path}")
    print(f"{len(readmes)} module READMEs, {len(stale)} written")
    return ExitCode.OK


def init(arguments: argparse.Namespace) -> int:
    """``mlenv init``: ``terraform init`` of the chosen roots, carrying their state to a changed backend
    (``--migrate-state``) or starting from the new backend's (``--reconfigure``)."""
    repository: Path = arguments.repository
    checked = load_and_check(repository)
    settings = checked.manifests.settings
    chosen = select_roots(roots_of(checked.manifests), arguments.env, None, repository)
    if arguments.migrate_state:
        options: dict[str, object] = {"migrate_state": IsFlagged, "force_copy": IsFlagged}
    else:
        options = {"reconfigure": IsFlagged} if arguments.reconfigure else {}
    for root in chosen:
        result = runner_for(repository, settings, root, 1).run(
            repository / root.directory, "init", input=False, **options
        )
        if not result.ok:
            raise_for(result, f"terraform init{root.of} failed (exit {result.returncode})")
    print(f"initialised {len(chosen)} roots: {', '.join(root.name for root in chosen)}")
    return ExitCode.OK


def terraform(arguments: argparse.Namespace) -> int:
    """``mlenv terraform [--env NAME] -- ARGS``: Terraform's own exit code."""
    repository: Path = arguments.repository
    checked = load_and_check(repository)
    [root] = select_roots(roots_of(checked.manifests), [arguments.env or SHARED_ROOT_NAME], None, repository)
    given: list[str] = arguments.arguments
    passed = given[1:] if given[:1] == ["--"] else given
    if not passed:
        raise InvalidInput(
            [Problem("mlenv terraform", None, "no Terraform command given", "e.g. mlenv terraform -- state list")]
        )
    runner = runner_for(repository, checked.manifests.settings, root, 1)
    return runner.passthrough(repository / root.directory, passed).returncode


def _steps(root: Path, steps: Callable[[TerraformRunner], list[StepResult]]) -> int:
    results = steps(TerraformRunner(root, locate()))
    failed = [result for result in results if not result.ok]
    for result in failed:
        print(
            f"mlenv: terraform {result.command} failed in {result.directory} (exit {result.returncode})",
            file=sys.stderr,
        )
    if not failed:
        print(f"terraform: {len(results)} steps passed")
    return ExitCode.CHANGES if failed else ExitCode.OK
