terraform {
  required_version = ">= 1.7"

  required_providers {
    databricks = {
      source = "databricks/databricks"
      # >= 1.113: the `api` argument that pins the group and service principal lookups to the
      # account-level SCIM API.
      version = ">= 1.113, < 2.0"
    }
  }
}
