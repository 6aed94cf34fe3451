mock_provider "databricks" {}

variables {
  path = "/experiments/acc"
  access_control = [
    { group_name = "apps_acc", permission_level = "CAN_MANAGE" },
    { group_name = "data-scientists", permission_level = "CAN_READ" },
    { service_principal_name = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", permission_level = "CAN_EDIT" },
    { user_name = "jane.doe@example.com", permission_level = "CAN_RUN" },
  ]
}

run "plans_the_directory_and_exactly_the_given_access_list" {
  command = plan

  assert {
    condition     = databricks_directory.this.path == "/experiments/acc"
    error_message = "directory path is ${databricks_directory.this.path}"
  }

  assert {
    condition     = databricks_permissions.this.directory_path == "/experiments/acc"
    error_message = "permissions are not on the directory"
  }

  assert {
    condition     = length(databricks_permissions.this.access_control) == 4
    error_message = "expected exactly 4 access_control blocks"
  }

  assert {
    condition = jsonencode(output.access_control) == jsonencode([
      "group:apps_acc:CAN_MANAGE",
      "group:data-scientists:CAN_READ",
      "service_principal:3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01:CAN_EDIT",
      "user:jane.doe@example.com:CAN_RUN",
    ])
    error_message = "access list is ${jsonencode(output.access_control)}"
  }
}

run "applies_with_the_mock_provider" {
  command = apply

  assert {
    condition     = output.path == "/experiments/acc"
    error_message = "path output is ${output.path}"
  }

  assert {
    condition     = output.object_id != null
    error_message = "object_id is not known after apply"
  }
}

run "refuses_a_principal_listed_twice" {
  command = plan

  variables {
    access_control = [
      { group_name = "apps_acc", permission_level = "CAN_MANAGE" },
      { group_name = "apps_acc", permission_level = "CAN_READ" },
    ]
  }

  expect_failures = [var.access_control]
}

run "refuses_a_model_level_on_a_directory" {
  command = plan

  variables {
    access_control = [{ group_name = "apps_acc", permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS" }]
  }

  expect_failures = [var.access_control]
}

run "refuses_an_entry_naming_two_principals" {
  command = plan

  variables {
    access_control = [{ group_name = "apps_acc", user_name = "jane.doe@example.com", permission_level = "CAN_READ" }]
  }

  expect_failures = [var.access_control]
}

run "refuses_the_admins_group" {
  command = plan

  variables {
    access_control = [{ group_name = "admins", permission_level = "CAN_MANAGE" }]
  }

  expect_failures = [var.access_control]
}

run "refuses_a_relative_path" {
  command = plan

  variables {
    path = "experiments/acc"
  }

  expect_failures = [var.path]
}
