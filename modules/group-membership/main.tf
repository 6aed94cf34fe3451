# Adds members to a group that another Terraform root manages (with state: per_environment, the
# all-principals group lives in the shared root and each environment's root adds its own group).
# The group is found by name, never by an id copied between states.

data "databricks_group" "this" {
  display_name = var.group_name
  api          = var.account ? "account" : "workspace"
  # Only the group itself: the default (true) also reads every member group, one request per environment
  # that has joined, on every plan of every environment's root.
  recursive = false
}

resource "databricks_group_member" "this" {
  for_each = var.member_ids

  group_id  = data.databricks_group.this.id
  member_id = each.value
  api       = var.account ? "account" : "workspace"
}
