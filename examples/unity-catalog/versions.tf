# The same provider pin as the root module of this repository.

terraform {
  # >= 1.9 for the validation rules of modules/uc-catalog and modules/uc-models.
  required_version = ">= 1.9"

  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = "~> 1.126"
    }
  }
}

# The workspace: catalogs, schemas, models and their grants. No arguments on purpose: `terraform
# validate` needs no credentials, and plan/apply take them from the standard Databricks variables
# or profile (DATABRICKS_HOST with DATABRICKS_TOKEN, OAuth or Azure CLI, or DATABRICKS_CONFIG_PROFILE).
provider "databricks" {}

# The account: groups, service principals and workspace assignments (Unity Catalog grants and
# owners must be account-level principals). Credentials as above, for an account admin.
provider "databricks" {
  alias      = "account"
  host       = "https://accounts.azuredatabricks.net"
  account_id = var.account_id
}
