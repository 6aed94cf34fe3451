mock_provider "databricks" {}

variables {
  experiment_directory = "/experiments/acc"
  models               = ["churn_acc", "fraud_acc"]
}

run "keeps_the_directory_and_the_models_and_grants_nothing" {
  command = plan

  assert {
    condition     = databricks_directory.this.path == "/experiments/acc"
    error_message = "directory path is ${databricks_directory.this.path}"
  }

  assert {
    condition     = jsonencode(sort(keys(databricks_mlflow_model.this))) == jsonencode(["churn_acc", "fraud_acc"])
    error_message = "models are ${jsonencode(keys(databricks_mlflow_model.this))}"
  }

  assert {
    condition     = alltrue([for name, model in databricks_mlflow_model.this : model.name == name])
    error_message = "a model is not named by its key"
  }
}

run "an_archive_without_models_keeps_the_directory" {
  command = plan

  variables {
    models = []
  }

  assert {
    condition     = length(databricks_mlflow_model.this) == 0 && databricks_directory.this.path == "/experiments/acc"
    error_message = "expected the directory alone"
  }
}

run "refuses_a_relative_directory" {
  command = plan

  variables {
    experiment_directory = "experiments/acc"
  }

  expect_failures = [var.experiment_directory]
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = output.experiment_directory == "/experiments/acc" && length(output.models) == 2
    error_message = "outputs are ${output.experiment_directory} and ${jsonencode(output.models)}"
  }
}
