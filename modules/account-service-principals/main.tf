# An environment's service principals at account level (Unity Catalog grants and ownership need
# account principals). Azure-managed principals are named by application id; Databricks-managed
# ones by display name (Databricks generates their application id). The caller passes a provider
# configured for the account:
#   providers = { databricks = databricks.account }
resource "databricks_service_principal" "this" {
  for_each = var.service_principals

  application_id = each.value.application_id
  display_name   = each.value.display_name
  force          = var.adopt_existing
  # Always the account SCIM API, whatever host the provider has: a provider configured for a
  # workspace then fails instead of creating a workspace-local principal.
  api = "account"
}
