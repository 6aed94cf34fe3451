"""Run the shell steps of a pipeline template under ci-templates/ locally, in order, with bash.

Only what the CI service does around the steps is stood in for. The tests pick the job (job and
stage conditions, ``needs:`` and ``environment:`` are theirs to evaluate, with
:func:`github_expression` and :func:`azure_stage_runs`); within it:

- Steps that use an action or a task (GitHub ``uses:``; Azure ``task:``, ``checkout:``, ``download:``)
  are recorded as not run; the tests do their work (the sample repository is the checkout, its
  ``.venv`` the set-up, a copy of ``.mlenv/`` the artifact).
- GitHub: ``${{ ... }}`` in ``env:``, ``run:``, ``if:`` and job outputs is evaluated (``==``, ``!=``,
  ``&&``, ``||``, ``!``, literals, ``always()``, ``success()``, ``failure()``) over the contexts the
  test gives, by dotted name (``secrets.DATABRICKS_HOST``); a name it does not give is an error,
  except ``steps.*`` (empty when the step did not run, as on GitHub). ``$GITHUB_STEP_SUMMARY``,
  ``$GITHUB_OUTPUT`` and ``$GITHUB_ENV`` are files read back after each step; ``shell: bash`` runs as
  ``bash --noprofile --norc -eo pipefail``, as on a runner.
- Azure: ``$(Name)`` macros expand from the variables of the pipeline, the stage and the job, then the
  test's (variable group and predefined variables), and stay as written when undefined, as on Azure;
  every variable not named secret is also an environment variable (upper case, ``.`` as ``_``);
  ``${{ parameters.X }}`` takes the test's parameters; conditions are evaluated (``and``, ``or``,
  ``not``, ``eq``, ``ne``, ``succeeded()``, ``failed()``, ``always()``, ``succeededOrFailed()``,
  ``variables['X']``, ``dependencies.S.outputs['J.s.v']``); ``##vso[task.setvariable]`` and
  ``##vso[task.uploadsummary]`` are read from the output; ``script:`` and ``bash:`` run as
  ``bash --noprofile --norc`` (no ``-e``, as on an agent).
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

STEP_TIMEOUT = 900


@dataclass
class StepRun:
    """One step: its exit code (None when not run, with the reason) and its output."""

    name: str
    code: int | None
    output: str = ""
    reason: str = ""
    tolerated: bool = False


@dataclass
class JobRun:
    """The steps of a job, the summary they wrote and the outputs they set."""

    steps: list[StepRun] = field(default_factory=list)
    summary: str = ""
    outputs: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> StepRun | None:
        """The first step that failed the job."""
        return next((s for s in self.steps if s.code not in (0, None) and not s.tolerated), None)

    def step(self, name: str) -> StepRun:
        """The step called ``name``."""
        return next(s for s in self.steps if s.name == name)

    def report(self) -> str:
        """Every step and its output, for assertion messages."""
        return "\n".join(f"--- {s.name}: {s.code} {s.reason}\n{s.output[-4000:]}" for s in self.steps)


def _bash(
    options: tuple[str, ...], script: str, cwd: Path, env: Mapping[str, str], scratch: Path
) -> tuple[int, str, str]:
    path = Path(tempfile.mkstemp(suffix=".sh", dir=scratch)[1])
    path.write_text(script, encoding="utf-8")
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", *options, str(path)],
        cwd=cwd,
        env=dict(env),
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT,
        check=False,
    )
    return done.returncode, done.stdout, done.stderr


# ---------------------------------------------------------------- GitHub Actions

_GITHUB_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||!|\(|\))|([A-Za-z_][\w.\-]*(?:\(\))?))")
_EXPRESSION = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")


def github_expression(text: str, contexts: Mapping[str, str], status: str = "success") -> str | bool:
    """Evaluate a GitHub Actions expression (without ``${{ }}``) over flat dotted ``contexts``."""
    tokens: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        match = _GITHUB_TOKEN.match(text, position)
        assert match and match.end() > position, f"cannot read the expression {text!r} at {text[position:]!r}"
        tokens.append(match.group(0).strip())
        position = match.end()

    def truthy(value: str | bool) -> bool:
        return value not in ("", False)

    def primary() -> str | bool:
        token = tokens.pop(0)
        if token == "(":
            value = either()
            assert tokens.pop(0) == ")"
            return value
        if token == "!":
            return not truthy(primary())
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        functions = {"always()": True, "success()": status == "success", "failure()": status == "failure"}
        literals = {"true": True, "false": False, "null": ""}
        if token in functions or token in literals:
            return functions.get(token, literals.get(token, ""))
        if token.startswith("steps."):
            return contexts.get(token, "")
        assert token in contexts, f"the test gives no value for {token!r} (in {text!r})"
        return contexts[token]

    def comparison() -> str | bool:
        left = primary()
        while tokens and tokens[0] in ("==", "!="):
            operator = tokens.pop(0)
            right = primary()
            same = str(left).lower() == str(right).lower()
            left = same if operator == "==" else not same
        return left

    def both() -> str | bool:
        left = comparison()
        while tokens and tokens[0] == "&&":
            tokens.pop(0)
            right = comparison()
            left = right if truthy(left) else left
        return left

    def either() -> str | bool:
        left = both()
        while tokens and tokens[0] == "||":
            tokens.pop(0)
            right = both()
            left = left if truthy(left) else right
        return left

    value = either()
    assert not tokens, f"left over in {text!r}: {tokens}"
    return value


def _github_text(text: Any, contexts: Mapping[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        result = github_expression(match.group(1), contexts)
        return str(result).lower() if isinstance(result, bool) else result

    return _EXPRESSION.sub(value, str(text))


def run_github_job(
    workflow: Path,
    job: str,
    root: Path,
    contexts: Mapping[str, str],
    environ: Mapping[str, str],
    only: Collection[str] | None = None,
) -> JobRun:
    """Run the ``run:`` steps of ``job`` (all, or those named in ``only``) in ``root``."""
    document = yaml.safe_load(workflow.read_text(encoding="utf-8"))
    spec = document["jobs"][job]
    shell = (spec.get("defaults") or document.get("defaults") or {}).get("run", {}).get("shell")
    assert shell == "bash", "the templates run their steps with shell: bash (-eo pipefail)"
    result = JobRun()
    scopes = {**contexts}
    base = {**environ, "CI": "true", "GITHUB_ACTIONS": "true", "GITHUB_WORKSPACE": str(root)}
    for layer in (document.get("env") or {}, spec.get("env") or {}):
        base.update({key: _github_text(value, scopes) for key, value in layer.items()})
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        for step in spec["steps"]:
            name = step.get("name") or step.get("uses") or step["run"].splitlines()[0]
            if only is not None and name not in only:
                continue
            if "run" not in step:
                result.steps.append(StepRun(name, None, reason=f"uses {step['uses']}"))
                continue
            status = "failure" if result.failed else "success"
            condition = str(step.get("if", "")).strip().removeprefix("${{").removesuffix("}}").strip()
            if not any(function in condition for function in ("always()", "failure()", "success()")):
                condition = f"success() && ({condition})" if condition else "success()"
            if github_expression(condition, scopes, status) in ("", False):
                result.steps.append(StepRun(name, None, reason=f"if: {condition}"))
                continue
            files = {key: scratch / f"{key}-{len(result.steps)}" for key in ("summary", "output", "env")}
            for path in files.values():
                path.touch()
            env = {
                **base,
                **{key: _github_text(value, scopes) for key, value in (step.get("env") or {}).items()},
                "GITHUB_STEP_SUMMARY": str(files["summary"]),
                "GITHUB_OUTPUT": str(files["output"]),
                "GITHUB_ENV": str(files["env"]),
                "RUNNER_TEMP": str(scratch),
            }
            code, out, err = _bash(("-eo", "pipefail"), _github_text(step["run"], scopes), root, env, scratch)
            result.summary += files["summary"].read_text(encoding="utf-8")
            for line in files["output"].read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                scopes[f"steps.{step.get('id')}.outputs.{key}"] = value
            for line in files["env"].read_text(encoding="utf-8").splitlines():
                key, _, value = line.partition("=")
                base[key] = value
            result.steps.append(StepRun(name, code, out + err, tolerated=bool(step.get("continue-on-error"))))
    for key, value in (spec.get("outputs") or {}).items():
        result.outputs[key] = _github_text(value, scopes)
    return result


# ---------------------------------------------------------------- Azure Pipelines

_AZURE_TOKEN = re.compile(r"\s*(?:('(?:[^']|'')*')|([(),])|([A-Za-z_][\w.]*(?:\['[^']*'\])?))")
_MACRO = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")


def azure_condition(
    text: str, variables: Mapping[str, str], dependencies: Mapping[str, str] | None = None, failed: bool = False
) -> bool:
    """Evaluate an Azure Pipelines condition; ``dependencies`` holds ``Stage.Job.step.variable`` outputs."""
    tokens = [match.group(0).strip() for match in _AZURE_TOKEN.finditer(text) if match.group(0).strip()]
    lowered = {key.lower(): value for key, value in variables.items()}

    def value() -> Any:
        token = tokens.pop(0)
        if token.startswith("'"):
            return token[1:-1].replace("''", "'")
        if tokens and tokens[0] == "(":
            tokens.pop(0)
            arguments = []
            while tokens[0] != ")":
                arguments.append(value())
                if tokens[0] == ",":
                    tokens.pop(0)
            tokens.pop(0)
            return call(token.lower(), arguments)
        variable = re.fullmatch(r"variables\['([^']+)'\]", token)
        if variable:
            return lowered.get(variable.group(1).lower(), "")
        output = re.fullmatch(r"dependencies\.(\w+)\.outputs\['([^']+)'\]", token)
        if output:
            return (dependencies or {}).get(f"{output.group(1)}.{output.group(2)}", "")
        assert token.lower() in ("true", "false"), f"cannot evaluate {token!r} in {text!r}"
        return token.lower() == "true"

    def call(name: str, arguments: list[Any]) -> bool:
        same = len(arguments) == 2 and str(arguments[0]).lower() == str(arguments[1]).lower()
        known = {
            "succeeded": not failed,
            "failed": failed,
            "always": True,
            "succeededorfailed": True,
            "and": all(arguments),
            "or": any(arguments),
            "not": not arguments[0] if arguments else False,
            "eq": same,
            "ne": not same,
        }
        assert name in known, f"the helper does not evaluate {name}() (in {text!r})"
        return known[name]

    result = value()
    assert not tokens, f"left over in {text!r}: {tokens}"
    return bool(result)


def _variables(node: Any) -> dict[str, str]:
    if isinstance(node, dict):
        return {str(key): str(value) for key, value in node.items()}
    return {item["name"]: str(item["value"]) for item in node or [] if "name" in item}


def _azure_job(document: dict[str, Any], stage: str | None, job: str) -> tuple[dict[str, Any], dict[str, Any]]:
    stages = document.get("stages") or [{"stage": None, "jobs": document.get("jobs", [])}]
    found = [
        (candidate, spec)
        for candidate in stages
        if stage is None or candidate.get("stage") == stage
        for spec in candidate.get("jobs", [])
        if job in (spec.get("job"), spec.get("deployment"))
    ]
    assert len(found) == 1, f"{len(found)} jobs called {job} (stage {stage})"
    return found[0]


def run_azure_job(
    pipeline: Path,
    job: str,
    root: Path,
    variables: Mapping[str, str],
    environ: Mapping[str, str],
    secrets: Collection[str] = (),
    parameters: Mapping[str, str] | None = None,
    stage: str | None = None,
    only: Collection[str] | None = None,
) -> JobRun:
    """Run the ``script:``/``bash:`` steps of ``job`` (of ``stage``) in ``root``."""
    document = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    stage_spec, spec = _azure_job(document, stage, job)
    values = {
        **_variables(document.get("variables")),
        **_variables(stage_spec.get("variables")),
        **_variables(spec.get("variables")),
        **variables,
    }
    steps = spec.get("steps") or spec["strategy"]["runOnce"]["deploy"]["steps"]

    def expand(text: Any) -> str:
        def parameter(match: re.Match[str]) -> str:
            name = match.group(1).removeprefix("parameters.")
            assert parameters is not None and name in parameters, f"the test gives no parameter {name}"
            return parameters[name]

        text = _EXPRESSION.sub(parameter, str(text))
        lowered = {key.lower(): value for key, value in values.items()}
        for _ in range(5):  # variables may name other variables
            text = _MACRO.sub(lambda match: lowered.get(match.group(1).lower(), match.group(0)), text)
        return text

    result = JobRun()
    with tempfile.TemporaryDirectory() as scratch_name:
        scratch = Path(scratch_name)
        for step in steps:
            kind = next(key for key in ("script", "bash", "task", "checkout", "download", "template") if key in step)
            name = step.get("displayName") or step.get(kind)
            if only is not None and name not in only:
                continue
            assert kind != "template", "the templates are self-contained: no template references"
            if kind not in ("script", "bash"):
                result.steps.append(StepRun(name, None, reason=f"{kind}: {step[kind]}"))
                continue
            if not azure_condition(step.get("condition", "succeeded()"), values, failed=result.failed is not None):
                result.steps.append(StepRun(name, None, reason=f"condition: {step.get('condition')}"))
                continue
            exported = {
                key.upper().replace(".", "_"): expand(value) for key, value in values.items() if key not in secrets
            }
            env = {**environ, "TF_BUILD": "True", **exported}
            env.update({key: expand(value) for key, value in (step.get("env") or {}).items()})
            code, out, err = _bash((), expand(step[kind]), root, env, scratch)
            for line in out.splitlines():
                command = re.match(r"##vso\[task\.(setvariable|uploadsummary)([^\]]*)\](.*)", line)
                if command and command.group(1) == "uploadsummary":
                    result.summary += Path(command.group(3).strip()).read_text(encoding="utf-8")
                elif command:
                    properties = dict(part.strip().split("=", 1) for part in command.group(2).split(";") if "=" in part)
                    if properties.get("isOutput") == "true":
                        result.outputs[f"{step.get('name')}.{properties['variable']}"] = command.group(3)
                    else:
                        values[properties["variable"]] = command.group(3)
            tolerated = str(step.get("continueOnError", "false")).lower() == "true"
            result.steps.append(StepRun(name, code, out + err, tolerated=tolerated))
    return result


def azure_stage_runs(pipeline: Path, stage: str, dependencies: Mapping[str, str]) -> bool:
    """Whether ``stage`` runs, given the outputs of the stages it depends on (``Stage.Job.step.variable``)."""
    document = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    spec = next(candidate for candidate in document["stages"] if candidate["stage"] == stage)
    return azure_condition(spec.get("condition", "succeeded()"), {}, dependencies)
