# An account-level group (Unity Catalog grants and ownership need account principals; a
# workspace-local group cannot hold them), exactly the members it is given, and optionally its
# assignment to one workspace. The caller passes a provider configured for the account:
#   providers = { databricks = databricks.account }

resource "databricks_group" "this" {
  display_name = var.display_name
  # Always the account SCIM API, whatever host the provider has: a provider configured for a
  # workspace then fails instead of creating a workspace-local group.
  api = "account"
}

resource "databricks_group_member" "this" {
  for_each = var.member_ids

  group_id  = databricks_group.this.id
  member_id = each.value
  api       = "account"
}

# Members of an assigned group reach the workspace through it (identity federation). The
# account SCIM id of a group is numeric; the assignment takes it as a number.
resource "databricks_mws_permission_assignment" "this" {
  count = var.workspace_id == null ? 0 : 1

  workspace_id = var.workspace_id
  principal_id = tonumber(databricks_group.this.id)
  permissions  = ["USER"]
}
