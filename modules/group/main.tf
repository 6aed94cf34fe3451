# A workspace group and exactly the members it is given.
resource "databricks_group" "this" {
  display_name = var.display_name
}

resource "databricks_group_member" "this" {
  for_each = var.member_ids

  group_id  = databricks_group.this.id
  member_id = each.value
}
