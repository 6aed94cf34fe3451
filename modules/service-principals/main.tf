# Service principals that run one environment's jobs. Azure-managed principals are named by
# application id; Databricks-managed ones by display name (Databricks generates their application id).
resource "databricks_service_principal" "this" {
  for_each = var.service_principals

  application_id = each.value.application_id
  display_name   = each.value.display_name
  force          = var.adopt_existing
}
