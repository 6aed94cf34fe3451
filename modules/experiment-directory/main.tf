# An environment's experiment directory and its authoritative access list. Experiments created
# inside the directory inherit these permissions.
resource "databricks_directory" "this" {
  path = var.path

  # Deleting the directory deletes every experiment and run in it.
  lifecycle {
    prevent_destroy = true
  }
}

resource "databricks_permissions" "this" {
  directory_path = databricks_directory.this.path

  dynamic "access_control" {
    for_each = var.access_control
    content {
      group_name             = access_control.value.group_name
      service_principal_name = access_control.value.service_principal_name
      user_name              = access_control.value.user_name
      permission_level       = access_control.value.permission_level
    }
  }
}
