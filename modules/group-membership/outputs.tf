output "group_id" {
  description = "SCIM id of the group, as found by its name."
  value       = data.databricks_group.this.id
}

output "members" {
  description = "Keys of the members this call adds (the keys of `member_ids`), sorted; the generated root test compares them with the permission model."
  value       = sort(keys(databricks_group_member.this))
}
