# Plans first, the mock apply last: runs of one file share a state, and a later plan that renamed
# an applied model would be a replacement, which prevent_destroy refuses.
mock_provider "databricks" {}

variables {
  catalog_name = "ml_acc"
  schema_name  = "models"
  owner        = "apps_acc"
  models = {
    churn = {}
    fraud = {
      comment = "Fraud scoring"
      grants = [
        { principal = "data-scientists", privileges = ["EXECUTE"] },
        { principal = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", privileges = ["EXECUTE", "APPLY_TAG"] },
      ]
    }
  }
}

run "plans_every_model_owned_by_the_environment_group_with_exactly_its_grants" {
  command = plan

  assert {
    condition     = jsonencode(sort([for model in databricks_registered_model.this : "${model.catalog_name}.${model.schema_name}.${model.name}"])) == jsonencode(["ml_acc.models.churn", "ml_acc.models.fraud"])
    error_message = "model names differ"
  }

  assert {
    condition     = alltrue([for model in databricks_registered_model.this : model.owner == "apps_acc"])
    error_message = "every model is owned by the environment group"
  }

  assert {
    condition     = jsonencode(output.owners) == jsonencode({ churn = "apps_acc", fraud = "apps_acc" })
    error_message = "owners are ${jsonencode(output.owners)}"
  }

  assert {
    condition     = databricks_registered_model.this["fraud"].comment == "Fraud scoring" && databricks_registered_model.this["churn"].comment == null
    error_message = "comments not passed"
  }

  assert {
    condition     = length(databricks_registered_model.this["fraud"].aliases) == 0
    error_message = "Terraform sets no alias"
  }

  assert {
    condition     = jsonencode(keys(databricks_grants.this)) == jsonencode(["fraud"])
    error_message = "only a model with grants gets a grants resource"
  }

  assert {
    condition     = databricks_grants.this["fraud"].model == "ml_acc.models.fraud" && databricks_grants.this["fraud"].function == null
    error_message = "grants are on ${databricks_grants.this["fraud"].model}"
  }

  assert {
    condition = jsonencode(output.grants) == jsonencode({
      "ml_acc.models.churn" = []
      "ml_acc.models.fraud" = [
        "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01:APPLY_TAG",
        "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01:EXECUTE",
        "data-scientists:EXECUTE",
      ]
    })
    error_message = "grants are ${jsonencode(output.grants)}"
  }

  assert {
    condition     = jsonencode(output.full_names) == jsonencode({ churn = "ml_acc.models.churn", fraud = "ml_acc.models.fraud" })
    error_message = "full names are ${jsonencode(output.full_names)}"
  }
}

run "plans_production_models_with_execute_for_readers" {
  command = plan

  variables {
    production   = true
    catalog_name = "ml_prod"
    owner        = "apps_prod"
    models = {
      churn = { grants = [{ principal = "auditors", privileges = ["EXECUTE"] }] }
    }
  }

  assert {
    condition     = databricks_registered_model.this["churn"].owner == "apps_prod"
    error_message = "production model owner is ${databricks_registered_model.this["churn"].owner}"
  }

  assert {
    condition     = jsonencode(output.grants) == jsonencode({ "ml_prod.models.churn" = ["auditors:EXECUTE"] })
    error_message = "grants are ${jsonencode(output.grants)}"
  }
}

run "allows_manage_outside_production" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "ml-platform", privileges = ["MANAGE"] }] } }
  }

  assert {
    condition     = jsonencode(output.grants) == jsonencode({ "ml_acc.models.churn" = ["ml-platform:MANAGE"] })
    error_message = "grants are ${jsonencode(output.grants)}"
  }
}

run "refuses_manage_and_all_privileges_on_a_production_model" {
  command = plan

  variables {
    production = true
    models = {
      churn = {
        grants = [
          { principal = "ml-platform", privileges = ["MANAGE"] },
          { principal = "auditors", privileges = ["ALL_PRIVILEGES"] },
        ]
      }
    }
  }

  expect_failures = [var.models]
}

run "refuses_an_unknown_or_schema_privilege" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "data-scientists", privileges = ["EXECUTE", "CREATE_MODEL"] }] } }
  }

  expect_failures = [var.models]
}

run "refuses_a_stage_level_as_a_privilege" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "data-scientists", privileges = ["CAN_READ"] }] } }
  }

  expect_failures = [var.models]
}

run "refuses_a_grant_naming_no_principal" {
  command = plan

  variables {
    models = { churn = { grants = [{ privileges = ["EXECUTE"] }] } }
  }

  expect_failures = [var.models]
}

run "refuses_a_blank_principal" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "", privileges = ["EXECUTE"] }] } }
  }

  expect_failures = [var.models]
}

run "refuses_a_principal_listed_twice" {
  command = plan

  variables {
    models = {
      churn = {
        grants = [
          { principal = "data-scientists", privileges = ["EXECUTE"] },
          { principal = "Data-Scientists", privileges = ["APPLY_TAG"] },
        ]
      }
    }
  }

  expect_failures = [var.models]
}

run "refuses_a_grant_without_privileges" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "data-scientists" }] } }
  }

  expect_failures = [var.models]
}

run "refuses_a_grant_to_the_owner" {
  command = plan

  variables {
    models = { churn = { grants = [{ principal = "apps_acc", privileges = ["EXECUTE"] }] } }
  }

  expect_failures = [var.models]
}

run "refuses_blank_and_upper_case_names" {
  command = plan

  variables {
    catalog_name = " "
    schema_name  = "Models"
    owner        = ""
  }

  expect_failures = [var.catalog_name, var.schema_name, var.owner]
}

run "refuses_an_upper_case_model_name" {
  command = plan

  variables {
    models = { "Churn" = {} }
  }

  expect_failures = [var.models]
}

run "refuses_a_three_level_name_as_a_model_name" {
  command = plan

  variables {
    models = { "ml_acc.models.churn" = {} }
  }

  expect_failures = [var.models]
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = databricks_grants.this["fraud"].model == "${databricks_registered_model.this["fraud"].catalog_name}.${databricks_registered_model.this["fraud"].schema_name}.${databricks_registered_model.this["fraud"].name}"
    error_message = "grants are not on the applied model"
  }

  assert {
    condition     = jsonencode(output.owners) == jsonencode({ churn = "apps_acc", fraud = "apps_acc" })
    error_message = "applied owners are ${jsonencode(output.owners)}"
  }
}
