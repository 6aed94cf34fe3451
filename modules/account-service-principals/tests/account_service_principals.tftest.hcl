mock_provider "databricks" {}

variables {
  service_principals = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = { application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", display_name = "ml-acc-runner" }
    "ml-acc-batch"                         = { display_name = "ml-acc-batch" }
  }
  adopt_existing = true
}

run "plans_azure_and_databricks_managed_principals_at_account_level" {
  command = plan

  assert {
    condition     = databricks_service_principal.this["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"].application_id == "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
    error_message = "the Azure principal keeps its application id"
  }

  assert {
    condition     = databricks_service_principal.this["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"].display_name == "ml-acc-runner"
    error_message = "the Azure principal keeps its display name"
  }

  assert {
    condition     = databricks_service_principal.this["ml-acc-batch"].display_name == "ml-acc-batch"
    error_message = "the Databricks-managed principal is named by display name"
  }

  assert {
    condition     = alltrue([for sp in databricks_service_principal.this : sp.api == "account"])
    error_message = "every principal is created through the account API"
  }

  assert {
    condition     = alltrue([for sp in databricks_service_principal.this : sp.force == true])
    error_message = "adopt_existing sets force"
  }
}

run "does_not_adopt_by_default" {
  command = plan

  variables {
    adopt_existing = false
  }

  assert {
    condition     = alltrue([for sp in databricks_service_principal.this : sp.force == false])
    error_message = "force is off by default"
  }
}

run "applies_and_exposes_ids_by_key" {
  command = apply

  assert {
    condition     = jsonencode(sort(keys(output.ids))) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "ids are keyed by the permission model's principal"
  }

  assert {
    condition     = output.application_ids["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"] == "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
    error_message = "application ids are exposed by key"
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
    service_principals = { "3F2B8C1D-6A4E-4B7F-9C2D-1E5F7A8B9C01" = { application_id = "3F2B8C1D-6A4E-4B7F-9C2D-1E5F7A8B9C01" } }
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
