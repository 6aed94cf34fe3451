mock_provider "databricks" {
  mock_data "databricks_group" {
    defaults = {
      id = "5001"
    }
  }
}

variables {
  group_name = "apps_all"
  member_ids = {
    apps_acc = "1001"
  }
}

run "adds_the_members_to_the_group_found_by_name" {
  command = apply

  assert {
    condition     = data.databricks_group.this.display_name == "apps_all"
    error_message = "looked up ${data.databricks_group.this.display_name}"
  }

  assert {
    condition     = alltrue([for member in databricks_group_member.this : member.group_id == "5001"])
    error_message = "a member was added to another group than the one found by name"
  }

  assert {
    condition     = jsonencode(output.members) == jsonencode(["apps_acc"])
    error_message = "members are ${jsonencode(output.members)}"
  }

  assert {
    condition     = data.databricks_group.this.api == "workspace" && databricks_group_member.this["apps_acc"].api == "workspace"
    error_message = "a workspace-level membership used the ${databricks_group_member.this["apps_acc"].api} API"
  }
}

run "uses_the_account_api_for_account_groups" {
  command = plan

  variables {
    account = true
  }

  assert {
    condition     = data.databricks_group.this.api == "account" && databricks_group_member.this["apps_acc"].api == "account"
    error_message = "an account-level membership used the ${databricks_group_member.this["apps_acc"].api} API"
  }
}

run "refuses_a_built_in_group" {
  command = plan

  variables {
    group_name = "admins"
  }

  expect_failures = [var.group_name]
}

run "refuses_no_members" {
  command = plan

  variables {
    member_ids = {}
  }

  expect_failures = [var.member_ids]
}
