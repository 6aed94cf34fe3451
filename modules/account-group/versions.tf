terraform {
  required_version = ">= 1.7"

  required_providers {
    databricks = {
      source = "databricks/databricks"
      # >= 1.113: the `api` argument that pins databricks_group and databricks_group_member to the
      # account-level SCIM API.
      version = ">= 1.113, < 2.0"
    }
  }
}
