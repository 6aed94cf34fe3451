# Registered models, pre-created with their authoritative access lists so that no other principal
# can create one of these names first (the creator of a model gets CAN_MANAGE on it).
resource "databricks_mlflow_model" "this" {
  for_each = var.models

  name        = each.key
  description = each.value.description

  dynamic "tags" {
    for_each = each.value.tags
    content {
      key   = tags.key
      value = tags.value
    }
  }

  # Deleting a registered model deletes all of its versions.
  lifecycle {
    prevent_destroy = true
  }
}

resource "databricks_permissions" "this" {
  for_each = var.models

  registered_model_id = databricks_mlflow_model.this[each.key].registered_model_id

  dynamic "access_control" {
    for_each = each.value.access_control
    content {
      group_name             = access_control.value.group_name
      service_principal_name = access_control.value.service_principal_name
      user_name              = access_control.value.user_name
      permission_level       = access_control.value.permission_level
    }
  }
}
