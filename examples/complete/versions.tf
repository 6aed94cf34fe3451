# The same Terraform and provider pins as the root module of this repository.

terraform {
  # >= 1.7 for mock_provider in the modules' terraform tests.
  required_version = ">= 1.7"

  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.126"
    }
  }
}

# No arguments on purpose: `terraform validate` needs no credentials, and plan/apply take them
# from the standard Databricks variables or profile (DATABRICKS_HOST with DATABRICKS_TOKEN, OAuth
# or Azure CLI, or DATABRICKS_CONFIG_PROFILE).
provider "databricks" {}
