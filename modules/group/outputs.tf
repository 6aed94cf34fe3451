output "id" {
  description = "SCIM id of the group."
  value       = databricks_group.this.id
}

output "display_name" {
  description = "Name of the group."
  value       = databricks_group.this.display_name
}

output "members" {
  description = "Keys of the members added to the group (the keys of `member_ids`), sorted; the generated root test compares them with the permission model."
  value       = sort(keys(databricks_group_member.this))
}
