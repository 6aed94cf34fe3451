# Account-level groups and service principals that the identity provider creates (SCIM sync),
# looked up, never created: each lookup fails the plan, naming the missing principal, before
# anything that grants to it is planned. The caller passes a provider configured for the account:
#   providers = { databricks = databricks.account }

data "databricks_group" "this" {
  for_each = var.groups

  display_name = each.key
  # Always the account SCIM API: a workspace-local group of the same name cannot stand in for the
  # account group that Unity Catalog grants need.
  api = "account"
}

data "databricks_service_principal" "this" {
  for_each = var.service_principals

  # By application id when there is one (unique), else by display name.
  application_id = each.value.application_id
  display_name   = each.value.application_id == null ? each.value.display_name : null
  api            = "account"
}
