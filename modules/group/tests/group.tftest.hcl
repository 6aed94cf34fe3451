mock_provider "databricks" {}

variables {
  display_name = "apps_acc"
  member_ids = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = "1001"
    "ml-acc-batch"                         = "1002"
  }
}

run "plans_the_group_and_exactly_its_members" {
  command = plan

  assert {
    condition     = databricks_group.this.display_name == "apps_acc"
    error_message = "group name is ${databricks_group.this.display_name}"
  }

  assert {
    condition     = jsonencode(sort([for member in databricks_group_member.this : member.member_id])) == jsonencode(["1001", "1002"])
    error_message = "member ids differ"
  }

  assert {
    condition     = jsonencode(output.members) == jsonencode(["3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01", "ml-acc-batch"])
    error_message = "members are ${jsonencode(output.members)}"
  }
}

run "applies_and_adds_members_to_this_group" {
  command = apply

  assert {
    condition     = alltrue([for member in databricks_group_member.this : member.group_id == databricks_group.this.id])
    error_message = "a member was added to another group"
  }
}

run "allows_an_empty_group" {
  command = plan

  variables {
    member_ids = {}
  }

  assert {
    condition     = length(databricks_group_member.this) == 0
    error_message = "an empty group has no members"
  }
}

run "refuses_a_builtin_group" {
  command = plan

  variables {
    display_name = "admins"
  }

  expect_failures = [var.display_name]
}

run "refuses_a_blank_member_id" {
  command = plan

  variables {
    member_ids = { "ml-acc-batch" = " " }
  }

  expect_failures = [var.member_ids]
}
