mock_provider "databricks" {}

variables {
  service_principals = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", display_name = "ml-acc-runner" }
    "ml-acc-batch"                         = { display_name = "ml-acc-batch" }
  }
  adopt_existing = true
}

run "plans_azure_and_databricks_managed_principals" {
  command = plan

  assert {
    condition     = databricks_service_principal.this["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"].application_id == "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
    error_message = "the Azure principal keeps its application id"
  }

  assert {
    condition     = databricks_service_principal.this["ml-acc-batch"].display_name == "ml-acc-batch"
    error_message = "the Databricks-managed principal is named by display name"
  }

  assert {
    condition     = alltrue([for sp in databricks_service_principal.this : sp.force == true])
    error_message = "adopt_existing sets force"
  }
}

run "applies_and_exposes_ids_by_key" {
  command = apply

  assert {
    condition     = jsonencode(sort(keys(output.ids))) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "ids are keyed by the permission model's principal"
  }
}

run "refuses_a_principal_without_name" {
  command = plan

  variables {
    service_principals = { x = {} }
  }

  expect_failures = [var.service_principals]
}

run "refuses_a_key_that_is_not_the_principal" {
  command = plan

  variables {
    service_principals = { runner = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" } }
  }

  expect_failures = [var.service_principals]
}

run "refuses_an_invalid_application_id" {
  command = plan

  variables {
    service_principals = { "not-a-uuid" = { application_id = "not-a-uuid" } }
  }

  expect_failures = [var.service_principals]
}

run "refuses_a_blank_display_name" {
  command = plan

  variables {
    service_principals = {
      "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", display_name = " " }
    }
  }

  expect_failures = [var.service_principals]
}
