mock_provider "databricks" {}

variables {
  experiment_directory = "/experiments/acc"
  catalog_name         = "ml_acc"
  schema_name          = "models"
  models               = ["churn", "fraud"]
  owner                = "platform-archive"
}

run "gives_every_securable_to_the_archive_owner" {
  command = plan

  assert {
    condition     = databricks_catalog.this[0].owner == "platform-archive" && databricks_schema.this.owner == "platform-archive"
    error_message = "catalog or schema not owned by the archive owner"
  }

  assert {
    condition     = alltrue([for model in databricks_registered_model.this : model.owner == "platform-archive"])
    error_message = "a model is not owned by the archive owner"
  }

  assert {
    condition     = jsonencode(sort(keys(databricks_registered_model.this))) == jsonencode(["churn", "fraud"])
    error_message = "models are ${jsonencode(keys(databricks_registered_model.this))}"
  }

  assert {
    condition     = databricks_directory.this.path == "/experiments/acc"
    error_message = "directory path is ${databricks_directory.this.path}"
  }
}

run "a_catalog_governed_elsewhere_is_not_archived" {
  command = plan

  variables {
    manage_catalog = false
  }

  assert {
    condition     = length(databricks_catalog.this) == 0 && databricks_schema.this.catalog_name == "ml_acc"
    error_message = "expected the schema in ml_acc and no catalog resource"
  }
}

run "refuses_an_archive_without_owner" {
  command = plan

  variables {
    owner = " "
  }

  expect_failures = [var.owner]
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = output.schema == "ml_acc.models" && length(output.owners) == 4
    error_message = "outputs are ${output.schema} and ${jsonencode(output.owners)}"
  }

  assert {
    condition     = alltrue([for owner in values(output.owners) : owner == "platform-archive"])
    error_message = "owners are ${jsonencode(output.owners)}"
  }
}
