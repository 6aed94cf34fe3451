output "id" {
  description = "Account-level SCIM id of the group."
  value       = databricks_group.this.id
}

output "display_name" {
  description = "Name of the group (the principal name in Unity Catalog grants and owners)."
  value       = databricks_group.this.display_name
}

output "members" {
  description = "Keys of the members added to the group (the keys of `member_ids`), sorted."
  value       = sort(keys(databricks_group_member.this))
}

output "workspace_permissions" {
  description = "Permissions of the group on the assigned workspace (`[\"USER\"]`), or an empty list when `workspace_id` is null."
  value       = flatten([for assignment in databricks_mws_permission_assignment.this : sort(tolist(assignment.permissions))])
}
