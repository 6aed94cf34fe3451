# Terraform and provider pins of this example root module. The mlenv_*.tf files beside this one
# are generated from environments/*.yaml (`mlenv --repository examples/unity-catalog render`); this file
# and main.tf are not.

terraform {
  # >= 1.9 for the validation rules of modules/uc-catalog and modules/uc-models, which refer to
  # other variables.
  required_version = ">= 1.9"

  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.126"
    }
  }
}

# The workspace: experiment directories, catalogs, schemas, models and their grants. No arguments
# on purpose: `terraform validate` needs no credentials, and plan/apply take them from the standard
# Databricks variables or profile (DATABRICKS_HOST with DATABRICKS_TOKEN, OAuth or Azure CLI, or
# DATABRICKS_CONFIG_PROFILE). The account provider is generated: mlenv_providers.tf.
provider "databricks" {}
