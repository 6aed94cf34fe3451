# manage_catalog = false: the catalog exists and is governed elsewhere. Its own file, so that its
# mock apply has a state of its own.
mock_provider "databricks" {}

variables {
  manage_catalog = false
  catalog_name   = "main"
  schema_name    = "ml_acc"
  schema_grants = [
    { principal = "apps_acc", privileges = ["USE_SCHEMA"] },
  ]
}

run "looks_the_catalog_up_and_manages_only_the_schema" {
  command = plan

  assert {
    condition     = length(databricks_catalog.this) == 0 && length(databricks_grants.catalog) == 0
    error_message = "an existing catalog is neither created nor granted on"
  }

  assert {
    condition     = data.databricks_catalog.existing[0].name == "main"
    error_message = "the existing catalog is looked up by name"
  }

  assert {
    condition     = databricks_schema.this.catalog_name == "main" && databricks_grants.schema.schema == "main.ml_acc"
    error_message = "schema is ${databricks_grants.schema.schema}"
  }

  assert {
    condition     = jsonencode(output.catalog_grants) == jsonencode([]) && !output.catalog_managed
    error_message = "no catalog grants are managed"
  }

  assert {
    condition     = jsonencode(output.schema_grants) == jsonencode(["apps_acc:USE_SCHEMA"])
    error_message = "schema grants are ${jsonencode(output.schema_grants)}"
  }

  # The owner of an existing catalog is read from the data source's `catalog_info` block; the mock
  # provider leaves nested blocks empty (override_data cannot fill them), so it is null here.
  assert {
    condition     = output.catalog_owner == null
    error_message = "catalog_owner is ${jsonencode(output.catalog_owner)}"
  }
}

run "refuses_catalog_settings_for_an_existing_catalog" {
  command = plan

  variables {
    catalog_grants  = [{ principal = "apps_acc", privileges = ["USE_CATALOG"] }]
    catalog_owner   = "ml-platform"
    storage_root    = "s3://ml-bucket/acc"
    catalog_comment = "not ours"
  }

  expect_failures = [var.catalog_grants, var.catalog_owner, var.storage_root, var.catalog_comment]
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = output.schema_full_name == "main.ml_acc"
    error_message = "schema is ${output.schema_full_name}"
  }
}
