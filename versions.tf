# Terraform and provider pins of the root module. The mlenv_*.tf files beside this one are
# generated from environments/*.yaml; this file is not.

terraform {
  # >= 1.7 for mock_provider in terraform test.
  required_version = ">= 1.7"

  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.126"
    }
  }
}

# Credentials come from the standard Databricks variables or profile:
# DATABRICKS_HOST with DATABRICKS_TOKEN (or OAuth / Azure CLI), or DATABRICKS_CONFIG_PROFILE.
provider "databricks" {}
