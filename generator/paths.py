"""Every path and file name mlenv reads or writes, relative to the repository root.

Read: the manifests under ``environments/`` (with the archive records under ``environments/archived/``) and the
reusable modules under ``modules/``.
Written by ``mlenv render``: the root module files ``mlenv_*.tf``, the Terraform test, the permission files, the
JSON Schemas and, once per retired environment, its archive record. Written by other commands: ``mlenv_imports.tf``
(``adopt``) and the saved plan under ``.mlenv/`` (``plan``). Nothing else.
"""

from __future__ import annotations

# ---------------------------------------------------------------- read: manifests and modules

#: Directory of the manifests: one ``<env>.yaml`` per environment plus the optional settings file.
ENVIRONMENTS_DIRECTORY = "environments"
#: Suffix of every manifest (``.yml`` is refused with a hint).
MANIFEST_SUFFIX = ".yaml"
#: File name of the settings shared by every environment, inside :data:`ENVIRONMENTS_DIRECTORY`.
SETTINGS_FILE_NAME = "workspace.yaml"
#: Path of the shared settings file.
SETTINGS_MANIFEST = f"{ENVIRONMENTS_DIRECTORY}/{SETTINGS_FILE_NAME}"
#: Directory of the reusable Terraform modules.
MODULES_DIRECTORY = "modules"
#: Directory of the example root modules that ``mlenv validate --terraform`` also validates.
EXAMPLES_DIRECTORY = "examples"


def environment_manifest(environment: str) -> str:
    """Path of the manifest of ``environment``."""
    return f"{ENVIRONMENTS_DIRECTORY}/{environment}{MANIFEST_SUFFIX}"


#: Directory of the archive records: one ``<env>.yaml`` per retired environment, written by ``mlenv render`` when
#: the environment's manifest is removed, read as input from then on (deleting the data is an edit of it).
ARCHIVES_DIRECTORY = f"{ENVIRONMENTS_DIRECTORY}/archived"


#: Production model versions the audit accepts although the production principal did not create them (optional).
ACCEPTED_VERSIONS = f"{ENVIRONMENTS_DIRECTORY}/audit/accepted_versions.yaml"


def archive_record(environment: str) -> str:
    """Path of the archive record of the retired ``environment``."""
    return f"{ARCHIVES_DIRECTORY}/{environment}{MANIFEST_SUFFIX}"


# ---------------------------------------------------------------- written by mlenv render

#: Prefix of every root module file mlenv writes.
ROOT_FILE_PREFIX = "mlenv_"
#: Root module file of what all environments share (the all-principals group).
SHARED_TERRAFORM_FILE = f"{ROOT_FILE_PREFIX}workspace.tf"
#: Root module file of the account-level provider configuration (Unity Catalog mode only).
PROVIDERS_TERRAFORM_FILE = f"{ROOT_FILE_PREFIX}providers.tf"
#: Root module file of the remote state backend (only with ``backend:`` in the settings).
BACKEND_TERRAFORM_FILE = f"{ROOT_FILE_PREFIX}backend.tf"
#: Directory of the generated ``terraform test`` files of the root module.
TERRAFORM_TEST_DIRECTORY = "tests/terraform"
#: File name of the generated test proving that the plan carries exactly the permission model.
TERRAFORM_TEST_FILE_NAME = f"{ROOT_FILE_PREFIX}permissions.tftest.hcl"
#: The generated test of the root at the repository top.
TERRAFORM_TEST_FILE = f"{TERRAFORM_TEST_DIRECTORY}/{TERRAFORM_TEST_FILE_NAME}"
#: Directory of the permission files auditors read.
PERMISSIONS_DIRECTORY = "permissions"
#: Every grant of every environment, as CSV.
PERMISSIONS_CSV = f"{PERMISSIONS_DIRECTORY}/workspace.csv"
#: The retired environments' archives: what each keeps, since when, who may reach it.
PERMISSIONS_ARCHIVES = f"{PERMISSIONS_DIRECTORY}/archives.md"
#: Every grant of every environment plus the environments' facts, as JSON.
PERMISSIONS_JSON = f"{PERMISSIONS_DIRECTORY}/workspace.json"
#: Directory of the published JSON Schemas of the manifests.
SCHEMA_DIRECTORY = "schema"
#: JSON Schema of an environment manifest.
ENVIRONMENT_SCHEMA = f"{SCHEMA_DIRECTORY}/environment.schema.json"
#: JSON Schema of the shared settings file.
SETTINGS_SCHEMA = f"{SCHEMA_DIRECTORY}/workspace.schema.json"

#: The hand-kept Terraform and provider pins of the root at the repository top.
VERSIONS_FILE = "versions.tf"
#: Directory of the environments' own roots (``state: per_environment``): ``roots/<env>/``.
ENVIRONMENT_ROOTS_DIRECTORY = "roots"
#: Name of the root at the repository top when each environment has its own (what the workspace shares).
SHARED_ROOT_NAME = "workspace"
#: In an environment's root: the copy of :data:`VERSIONS_FILE` (a root reads only its own directory).
ROOT_VERSIONS_FILE = f"{ROOT_FILE_PREFIX}versions.tf"
#: In an environment's root: the directory of its generated ``terraform test`` (Terraform's default).
ROOT_TEST_DIRECTORY = "tests"

#: Where generated files live; a generated file matching these that a new render lacks is deleted.
GENERATED_GLOBS = (
    f"{ROOT_FILE_PREFIX}*.tf",
    f"{ENVIRONMENT_ROOTS_DIRECTORY}/*/{ROOT_FILE_PREFIX}*.tf",
    f"{ENVIRONMENT_ROOTS_DIRECTORY}/*/{ROOT_TEST_DIRECTORY}/{ROOT_FILE_PREFIX}*.tftest.hcl",
    f"{PERMISSIONS_DIRECTORY}/*.md",
    f"{PERMISSIONS_DIRECTORY}/*.csv",
    f"{PERMISSIONS_DIRECTORY}/*.json",
    f"{TERRAFORM_TEST_DIRECTORY}/{ROOT_FILE_PREFIX}*.tftest.hcl",
    f"{SCHEMA_DIRECTORY}/*.schema.json",
)


def environment_terraform_file(environment: str) -> str:
    """Root module file of ``environment``."""
    return f"{ROOT_FILE_PREFIX}{environment}.tf"


def environment_root_directory(environment: str) -> str:
    """Directory of the own Terraform root of ``environment`` (``state: per_environment``)."""
    return f"{ENVIRONMENT_ROOTS_DIRECTORY}/{environment}"


def in_root(directory: str, name: str) -> str:
    """Path of the file ``name`` of the root in ``directory`` (``.`` is the repository top)."""
    return name if directory == "." else f"{directory}/{name}"


def environment_permissions_file(environment: str) -> str:
    """Markdown permission file of ``environment``."""
    return f"{PERMISSIONS_DIRECTORY}/{environment}.md"


# ---------------------------------------------------------------- written by other commands

#: Import blocks written by ``mlenv adopt`` (never touched by ``render``).
IMPORTS_TERRAFORM_FILE = f"{ROOT_FILE_PREFIX}imports.tf"
#: Removed blocks written by ``mlenv plan --move split-state`` in the shared root (never touched by ``render``).
MOVED_TERRAFORM_FILE = f"{ROOT_FILE_PREFIX}moved.tf"
#: The verification ``mlenv migrate`` writes for auditors, next to the permission files (never touched by ``render``).
MIGRATION_VERIFICATION_MARKDOWN = f"{PERMISSIONS_DIRECTORY}/migration/verification.md"
MIGRATION_VERIFICATION_JSON = f"{PERMISSIONS_DIRECTORY}/migration/verification.json"
#: mlenv's working directory for Terraform runs (git-ignored).
STATE_DIRECTORY = ".mlenv"
#: What ``mlenv migrate`` verified, so that a rerun downloads only what changed (git-ignored).
MIGRATION_RECORDS = f"{STATE_DIRECTORY}/migration/verified.json"
#: mlenv's own code that decides the permission model, where a repository carries it (as mlenv's own does):
#: the manifests' loading and checks, the policy, and the modules they import.
RULE_INPUTS = ("generator/manifests", "generator/model", "generator/errors.py", "generator/paths.py")
#: What the permission model is computed from, in git's history (``mlenv access --history``).
HISTORY_INPUTS = (ENVIRONMENTS_DIRECTORY, *RULE_INPUTS)
#: The access history computed so far, one file per version of mlenv's policy (git-ignored).
HISTORY_CACHE_DIRECTORY = f"{STATE_DIRECTORY}/history"
#: File name of a saved plan and of the fingerprint of the inputs it was made from.
SAVED_PLAN_NAME = "tfplan"
SAVED_PLAN_RECORD_NAME = "tfplan.json"
#: The plan ``mlenv plan`` saves and ``mlenv apply`` applies (of the root at the repository top).
SAVED_PLAN = f"{STATE_DIRECTORY}/{SAVED_PLAN_NAME}"
#: The fingerprint of the inputs the saved plan was made from.
SAVED_PLAN_RECORD = f"{STATE_DIRECTORY}/{SAVED_PLAN_RECORD_NAME}"
#: Every input of a plan; the saved plan is refused when any of them changed.
PLAN_INPUT_GLOBS = (
    f"{ENVIRONMENTS_DIRECTORY}/*{MANIFEST_SUFFIX}",
    "*.tf",
    "*.tfvars",
    f"{MODULES_DIRECTORY}/*/*.tf",
)
