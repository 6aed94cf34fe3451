mock_provider "databricks" {}

variables {
  path = "/experiments/acc"
  access_control = [
    { group_name = "apps_acc", permission_level = "CAN_MANAGE" },
    { group_name = "data-scientists", permission_level = "CAN_READ" },
  ]
}

run "applies_the_access_list_it_is_given" {
  command = apply

  assert {
    condition     = databricks_directory.this.path == "/experiments/acc"
    error_message = "directory path"
  }
  assert {
    condition     = jsonencode(output.access_control) == jsonencode(["group:apps_acc:CAN_MANAGE", "group:data-scientists:CAN_READ"])
    error_message = "access ${jsonencode(output.access_control)}"
  }
}
