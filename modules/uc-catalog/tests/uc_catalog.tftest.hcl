# Plans first, the mock apply last: runs of one file share a state, and a later plan that renamed
# the applied catalog or schema would be a replacement, which prevent_destroy refuses.
mock_provider "databricks" {}

variables {
  catalog_name    = "ml_acc"
  schema_name     = "models"
  catalog_comment = "acc models"
  schema_comment  = "acc registered models"
  catalog_grants = [
    { principal = "apps_acc", privileges = ["USE_CATALOG"] },
    { principal = "data-scientists", privileges = ["USE_CATALOG"] },
  ]
  schema_grants = [
    { principal = "apps_acc", privileges = ["USE_SCHEMA"] },
    { principal = "data-scientists", privileges = ["USE_SCHEMA", "EXECUTE"] },
  ]
}

run "plans_the_catalog_the_schema_and_exactly_their_grants" {
  command = plan

  assert {
    condition     = length(databricks_catalog.this) == 1 && length(data.databricks_catalog.existing) == 0
    error_message = "a managed catalog is created, not looked up"
  }

  assert {
    condition     = databricks_catalog.this[0].name == "ml_acc" && databricks_catalog.this[0].comment == "acc models"
    error_message = "catalog is ${databricks_catalog.this[0].name}"
  }

  assert {
    condition     = databricks_catalog.this[0].storage_root == null
    error_message = "without storage_root the catalog uses the metastore's storage"
  }

  assert {
    condition     = databricks_schema.this.catalog_name == "ml_acc" && databricks_schema.this.name == "models"
    error_message = "schema is ${databricks_schema.this.catalog_name}.${databricks_schema.this.name}"
  }

  assert {
    condition     = databricks_schema.this.comment == "acc registered models"
    error_message = "schema comment not passed"
  }

  assert {
    condition     = databricks_grants.catalog[0].catalog == "ml_acc" && databricks_grants.catalog[0].schema == null
    error_message = "catalog grants are not on the catalog"
  }

  assert {
    condition     = databricks_grants.schema.schema == "ml_acc.models" && databricks_grants.schema.catalog == null
    error_message = "schema grants are on ${databricks_grants.schema.schema}"
  }

  assert {
    condition     = length(databricks_grants.catalog[0].grant) == 2 && length(databricks_grants.schema.grant) == 2
    error_message = "expected one grant block per principal"
  }

  assert {
    condition     = jsonencode(output.catalog_grants) == jsonencode(["apps_acc:USE_CATALOG", "data-scientists:USE_CATALOG"])
    error_message = "catalog grants are ${jsonencode(output.catalog_grants)}"
  }

  assert {
    condition     = jsonencode(output.schema_grants) == jsonencode(["apps_acc:USE_SCHEMA", "data-scientists:EXECUTE", "data-scientists:USE_SCHEMA"])
    error_message = "schema grants are ${jsonencode(output.schema_grants)}"
  }

  assert {
    condition     = output.schema_full_name == "ml_acc.models" && output.catalog_name == "ml_acc" && output.catalog_managed
    error_message = "names are ${output.catalog_name} and ${output.schema_full_name}"
  }
}

run "passes_owners_and_storage_root" {
  command = plan

  variables {
    catalog_owner = "ml-platform"
    schema_owner  = "ml-platform"
    storage_root  = "abfss://ml@mlenvstorage.dfs.core.windows.net/acc"
  }

  assert {
    condition     = databricks_catalog.this[0].owner == "ml-platform" && databricks_schema.this.owner == "ml-platform"
    error_message = "owners are ${databricks_catalog.this[0].owner} and ${databricks_schema.this.owner}"
  }

  assert {
    condition     = output.catalog_owner == "ml-platform" && output.schema_owner == "ml-platform"
    error_message = "owner outputs differ"
  }

  assert {
    condition     = databricks_catalog.this[0].storage_root == "abfss://ml@mlenvstorage.dfs.core.windows.net/acc"
    error_message = "storage_root not passed"
  }
}

run "allows_create_model_outside_production" {
  command = plan

  variables {
    schema_grants = [{ principal = "apps_acc", privileges = ["USE_SCHEMA", "CREATE_MODEL"] }]
  }

  assert {
    condition     = jsonencode(output.schema_grants) == jsonencode(["apps_acc:CREATE_MODEL", "apps_acc:USE_SCHEMA"])
    error_message = "schema grants are ${jsonencode(output.schema_grants)}"
  }
}

run "plans_a_production_catalog_with_use_and_execute_only" {
  command = plan

  variables {
    production     = true
    catalog_name   = "ml_prod"
    catalog_grants = [{ principal = "apps_prod", privileges = ["USE_CATALOG"] }]
    schema_grants = [
      { principal = "apps_prod", privileges = ["USE_SCHEMA"] },
      { principal = "auditors", privileges = ["USE_SCHEMA", "EXECUTE"] },
    ]
  }

  assert {
    condition     = jsonencode(output.catalog_grants) == jsonencode(["apps_prod:USE_CATALOG"])
    error_message = "catalog grants are ${jsonencode(output.catalog_grants)}"
  }

  assert {
    condition     = jsonencode(output.schema_grants) == jsonencode(["apps_prod:USE_SCHEMA", "auditors:EXECUTE", "auditors:USE_SCHEMA"])
    error_message = "schema grants are ${jsonencode(output.schema_grants)}"
  }
}

run "refuses_create_model_on_a_production_schema" {
  command = plan

  variables {
    production    = true
    schema_grants = [{ principal = "apps_prod", privileges = ["USE_SCHEMA", "CREATE_MODEL"] }]
  }

  expect_failures = [var.schema_grants]
}

run "refuses_create_function_manage_and_all_privileges_on_a_production_catalog" {
  command = plan

  variables {
    production = true
    catalog_grants = [
      { principal = "apps_prod", privileges = ["USE_CATALOG", "CREATE_FUNCTION"] },
      { principal = "ml-platform", privileges = ["MANAGE"] },
      { principal = "auditors", privileges = ["ALL_PRIVILEGES"] },
    ]
  }

  expect_failures = [var.catalog_grants]
}

run "refuses_an_unknown_privilege" {
  command = plan

  variables {
    catalog_grants = [{ principal = "apps_acc", privileges = ["USE CATALOG"] }]
    schema_grants  = [{ principal = "apps_acc", privileges = ["READ"] }]
  }

  expect_failures = [var.catalog_grants, var.schema_grants]
}

run "refuses_a_catalog_privilege_on_the_schema" {
  command = plan

  variables {
    schema_grants = [{ principal = "apps_acc", privileges = ["USE_CATALOG", "USE_SCHEMA"] }]
  }

  expect_failures = [var.schema_grants]
}

run "refuses_a_grant_naming_no_principal" {
  command = plan

  variables {
    catalog_grants = [{ privileges = ["USE_CATALOG"] }]
    schema_grants  = [{ principal = " ", privileges = ["USE_SCHEMA"] }]
  }

  expect_failures = [var.catalog_grants, var.schema_grants]
}

run "refuses_a_principal_listed_twice" {
  command = plan

  variables {
    schema_grants = [
      { principal = "apps_acc", privileges = ["USE_SCHEMA"] },
      { principal = "Apps_Acc", privileges = ["EXECUTE"] },
    ]
  }

  expect_failures = [var.schema_grants]
}

run "refuses_a_grant_without_privileges" {
  command = plan

  variables {
    catalog_grants = [{ principal = "apps_acc", privileges = [] }]
  }

  expect_failures = [var.catalog_grants]
}

run "refuses_a_managed_catalog_without_grants" {
  command = plan

  variables {
    catalog_grants = []
    schema_grants  = []
  }

  expect_failures = [var.catalog_grants, var.schema_grants]
}

run "refuses_blank_names" {
  command = plan

  variables {
    catalog_name = ""
    schema_name  = " "
  }

  expect_failures = [var.catalog_name, var.schema_name]
}

run "refuses_upper_case_and_dotted_names" {
  command = plan

  variables {
    catalog_name = "ML_acc"
    schema_name  = "ml.models"
  }

  expect_failures = [var.catalog_name, var.schema_name]
}

run "refuses_the_default_schema_and_a_system_catalog" {
  command = plan

  variables {
    catalog_name = "system"
    schema_name  = "default"
  }

  expect_failures = [var.catalog_name, var.schema_name]
}

run "refuses_a_storage_root_that_is_not_a_cloud_url" {
  command = plan

  variables {
    storage_root = "/mnt/models"
  }

  expect_failures = [var.storage_root]
}

run "refuses_blank_owners" {
  command = plan

  variables {
    catalog_owner = ""
    schema_owner  = " ml-platform"
  }

  expect_failures = [var.catalog_owner, var.schema_owner]
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = databricks_grants.schema.schema == "${databricks_schema.this.catalog_name}.${databricks_schema.this.name}"
    error_message = "schema grants are not on the applied schema"
  }

  assert {
    condition     = output.catalog_owner != null && output.schema_owner != null
    error_message = "owners left to the Terraform identity are known after apply"
  }

  assert {
    condition     = jsonencode(output.schema_grants) == jsonencode(["apps_acc:USE_SCHEMA", "data-scientists:EXECUTE", "data-scientists:USE_SCHEMA"])
    error_message = "applied schema grants are ${jsonencode(output.schema_grants)}"
  }
}
