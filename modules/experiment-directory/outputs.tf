output "path" {
  description = "Workspace path of the directory."
  value       = databricks_directory.this.path
}

output "object_id" {
  description = "Workspace object id of the directory."
  value       = databricks_directory.this.object_id
}

output "access_control" {
  description = "The access list as planned on the `databricks_permissions` resource, as sorted `principal_type:principal:LEVEL` strings."
  value = sort([
    for ac in databricks_permissions.this.access_control :
    ac.group_name != null ? "group:${ac.group_name}:${ac.permission_level}" : (
      ac.service_principal_name != null ? "service_principal:${ac.service_principal_name}:${ac.permission_level}" :
    "user:${ac.user_name}:${ac.permission_level}")
  ])
}
