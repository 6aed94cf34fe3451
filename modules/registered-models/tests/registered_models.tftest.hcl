mock_provider "databricks" {}

variables {
  models = {
    churn_prod = {
      access_control = [
        { group_name = "apps_prod", permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS" },
      ]
    }
    fraud_prod = {
      description = "Fraud scoring"
      tags        = { owner = "risk-team" }
      access_control = [
        { group_name = "apps_prod", permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS" },
        { group_name = "auditors", permission_level = "CAN_READ" },
      ]
    }
  }
}

run "plans_every_model_with_exactly_its_access_list" {
  command = plan

  assert {
    condition     = jsonencode(sort([for model in databricks_mlflow_model.this : model.name])) == jsonencode(["churn_prod", "fraud_prod"])
    error_message = "model names differ"
  }

  assert {
    condition     = databricks_mlflow_model.this["fraud_prod"].description == "Fraud scoring"
    error_message = "description not passed"
  }

  assert {
    condition     = jsonencode(databricks_mlflow_model.this["fraud_prod"].tags) == jsonencode([{ key = "owner", value = "risk-team" }])
    error_message = "tags are ${jsonencode(databricks_mlflow_model.this["fraud_prod"].tags)}"
  }

  assert {
    condition     = length(databricks_permissions.this) == 2
    error_message = "expected one permissions resource per model"
  }

  assert {
    condition = jsonencode(output.access_control) == jsonencode({
      churn_prod = ["group:apps_prod:CAN_MANAGE_PRODUCTION_VERSIONS"]
      fraud_prod = ["group:apps_prod:CAN_MANAGE_PRODUCTION_VERSIONS", "group:auditors:CAN_READ"]
    })
    error_message = "access lists are ${jsonencode(output.access_control)}"
  }
}

run "applies_and_grants_on_the_computed_registered_model_id" {
  command = apply

  assert {
    condition     = databricks_permissions.this["churn_prod"].registered_model_id == databricks_mlflow_model.this["churn_prod"].registered_model_id
    error_message = "permissions must use registered_model_id, not the model name"
  }

  assert {
    condition     = length(output.registered_model_ids) == 2
    error_message = "registered_model_ids output incomplete"
  }
}

run "refuses_a_directory_level_on_a_model" {
  command = plan

  variables {
    models = { churn_acc = { access_control = [{ group_name = "apps_acc", permission_level = "CAN_RUN" }] } }
  }

  expect_failures = [var.models]
}

run "refuses_two_levels_for_one_principal" {
  command = plan

  variables {
    models = {
      churn_acc = {
        access_control = [
          { group_name = "apps_acc", permission_level = "CAN_MANAGE_STAGING_VERSIONS" },
          { group_name = "apps_acc", permission_level = "CAN_READ" },
        ]
      }
    }
  }

  expect_failures = [var.models]
}

run "refuses_a_model_without_access_list" {
  command = plan

  variables {
    models = { churn_acc = { access_control = [] } }
  }

  expect_failures = [var.models]
}
