output "ids" {
  description = "SCIM id of each service principal, by key (what group membership uses)."
  value       = { for key, sp in databricks_service_principal.this : key => sp.id }
}

output "application_ids" {
  description = "Application id of each service principal, by key; permissions name service principals by it."
  value       = { for key, sp in databricks_service_principal.this : key => sp.application_id }
}
