terraform {
  # >= 1.9: validation rules compare one input with another (`manage_catalog`, `production`).
  required_version = ">= 1.9"

  required_providers {
    databricks = {
      source  = "databricks/databricks"
      version = ">= 1.50, < 2.0"
    }
  }
}
