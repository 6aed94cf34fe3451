mock_provider "databricks" {}

variables {
  groups = ["apps_acc", "data-scientists"]
  service_principals = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", display_name = "ml-acc-runner" }
    "ml-acc-batch"                         = { display_name = "ml-acc-batch" }
  }
}

run "looks_up_every_group_and_service_principal_at_account_level" {
  command = plan

  assert {
    condition     = jsonencode(output.groups) == jsonencode(["apps_acc", "data-scientists"])
    error_message = "groups looked up are ${jsonencode(output.groups)}"
  }

  assert {
    condition     = alltrue([for group in data.databricks_group.this : group.api == "account"])
    error_message = "groups are looked up through the account API"
  }

  assert {
    condition     = jsonencode(output.service_principals) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "service principals looked up are ${jsonencode(output.service_principals)}"
  }

  assert {
    condition     = alltrue([for sp in data.databricks_service_principal.this : sp.api == "account"])
    error_message = "service principals are looked up through the account API"
  }

  assert {
    condition     = data.databricks_service_principal.this["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"].application_id == "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
    error_message = "a principal with an application id is looked up by it"
  }

  assert {
    condition     = data.databricks_service_principal.this["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"].display_name != "ml-acc-runner"
    error_message = "a principal with an application id is not also matched by display name"
  }

  assert {
    condition     = data.databricks_service_principal.this["ml-acc-batch"].display_name == "ml-acc-batch"
    error_message = "a principal without application id is looked up by display name"
  }
}

run "exposes_ids_by_name_and_key" {
  command = apply

  assert {
    condition     = jsonencode(sort(keys(output.group_ids))) == jsonencode(["apps_acc", "data-scientists"])
    error_message = "group ids are keyed by display name"
  }

  assert {
    condition     = jsonencode(sort(keys(output.service_principal_ids))) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "service principal ids are keyed by the permission model's principal"
  }

  assert {
    condition     = output.application_ids["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"] == "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
    error_message = "application ids are exposed by key"
  }
}

run "looks_up_nothing_by_default" {
  command = plan

  variables {
    groups             = []
    service_principals = {}
  }

  assert {
    condition     = length(output.groups) == 0 && length(output.service_principals) == 0
    error_message = "nothing is looked up without inputs"
  }
}

run "refuses_built_in_and_malformed_group_names" {
  command = plan

  variables {
    groups = ["admins", " apps_acc"]
  }

  expect_failures = [var.groups]
}

run "refuses_a_principal_without_name" {
  command = plan

  variables {
    service_principals = { "x" = {} }
  }

  expect_failures = [var.service_principals]
}

run "refuses_a_key_that_is_not_the_principal" {
  command = plan

  variables {
    service_principals = { "runner" = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" } }
  }

  expect_failures = [var.service_principals]
}

run "refuses_an_application_id_that_is_not_a_lowercase_uuid" {
  command = plan

  variables {
    service_principals = { "3F2B8C1D" = { application_id = "3F2B8C1D" } }
  }

  expect_failures = [var.service_principals]
}
