output "groups" {
  description = "Display names of the groups looked up, sorted; the generated root test compares them with the permission model."
  value       = sort(keys(data.databricks_group.this))
}

output "group_ids" {
  description = "Account-level SCIM id of each group, by display name."
  value       = { for name, group in data.databricks_group.this : name => group.id }
}

output "service_principals" {
  description = "Keys of the service principals looked up, sorted; the generated root test compares them with the permission model."
  value       = sort(keys(data.databricks_service_principal.this))
}

output "service_principal_ids" {
  description = "Account-level SCIM id of each service principal, by key."
  value       = { for key, sp in data.databricks_service_principal.this : key => sp.id }
}

output "application_ids" {
  description = "Application id of each service principal, by key; Unity Catalog grants and owners name service principals by it."
  value       = { for key, sp in data.databricks_service_principal.this : key => sp.application_id }
}
