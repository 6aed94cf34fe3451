# The mock provider makes up string ids; an account SCIM id is numeric, and the workspace
# assignment takes it as a number, so the mock group gets one.
mock_provider "databricks" {
  mock_resource "databricks_group" {
    defaults = {
      id = "734512983617442"
    }
  }
}

variables {
  display_name = "apps_acc"
  member_ids = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = "81723648912347"
    "ml-acc-batch"                         = "81723648912348"
  }
  workspace_id = 1234567890123456
}

run "plans_the_account_group_its_members_and_its_workspace_assignment" {
  command = plan

  assert {
    condition     = databricks_group.this.display_name == "apps_acc" && databricks_group.this.api == "account"
    error_message = "the group is created through the account API"
  }

  assert {
    condition     = jsonencode(sort([for member in databricks_group_member.this : member.member_id])) == jsonencode(["81723648912347", "81723648912348"])
    error_message = "member ids differ"
  }

  assert {
    condition     = alltrue([for member in databricks_group_member.this : member.api == "account"])
    error_message = "memberships are set through the account API"
  }

  assert {
    condition     = jsonencode(output.members) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "members are ${jsonencode(output.members)}"
  }

  assert {
    condition     = length(databricks_mws_permission_assignment.this) == 1 && databricks_mws_permission_assignment.this[0].workspace_id == 1234567890123456
    error_message = "the group is assigned to the workspace"
  }

  assert {
    condition     = jsonencode(output.workspace_permissions) == jsonencode(["USER"])
    error_message = "workspace permissions are ${jsonencode(output.workspace_permissions)}"
  }
}

run "assigns_no_workspace_without_workspace_id" {
  command = plan

  variables {
    workspace_id = null
    member_ids   = {}
  }

  assert {
    condition     = length(databricks_mws_permission_assignment.this) == 0 && length(databricks_group_member.this) == 0
    error_message = "no assignment and no members"
  }

  assert {
    condition     = jsonencode(output.workspace_permissions) == jsonencode([])
    error_message = "workspace permissions are ${jsonencode(output.workspace_permissions)}"
  }
}

run "refuses_a_builtin_group" {
  command = plan

  variables {
    display_name = "Account Users"
  }

  expect_failures = [var.display_name]
}

run "refuses_a_blank_name_and_member_id" {
  command = plan

  variables {
    display_name = " "
    member_ids   = { "ml-acc-batch" = " " }
  }

  expect_failures = [var.display_name, var.member_ids]
}

run "refuses_a_workspace_id_that_is_not_a_positive_whole_number" {
  command = plan

  variables {
    workspace_id = 12.5
  }

  expect_failures = [var.workspace_id]
}

run "refuses_a_negative_workspace_id" {
  command = plan

  variables {
    workspace_id = -1
  }

  expect_failures = [var.workspace_id]
}

run "applies_and_assigns_this_group" {
  command = apply

  assert {
    condition     = alltrue([for member in databricks_group_member.this : member.group_id == databricks_group.this.id])
    error_message = "a member was added to another group"
  }

  assert {
    condition     = databricks_mws_permission_assignment.this[0].principal_id == 734512983617442
    error_message = "the assignment names principal ${databricks_mws_permission_assignment.this[0].principal_id}"
  }

  assert {
    condition     = output.id == "734512983617442"
    error_message = "id is ${output.id}"
  }
}
