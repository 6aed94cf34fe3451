terraform {
  # >= 1.9: validation rules compare one input with another (`owner`, `production`).
  required_version = ">= 1.9"

  required_providers {
    databricks = {
      source = "databricks/databricks"
      # >= 1.92: databricks_registered_model has `owner` and the `aliases` that lifecycle ignores.
      version = ">= 1.92, < 2.0"
    }
  }
}
