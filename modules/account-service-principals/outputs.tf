output "ids" {
  description = "Account-level SCIM id of each service principal, by key (what account group membership uses)."
  value       = { for key, sp in databricks_service_principal.this : key => sp.id }
}

output "application_ids" {
  description = "Application id of each service principal, by key; Unity Catalog grants and owners name service principals by it."
  value       = { for key, sp in databricks_service_principal.this : key => sp.application_id }
}
