variable "display_name" {
  description = "Name of the account-level group, e.g. `apps_acc` (Unity Catalog grants name it)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,126}[A-Za-z0-9._-]$", var.display_name))
    error_message = "`display_name` must be 2-128 characters among letters, digits, spaces and `. _ @ + -`, the first a letter or digit and the last not a space, `@` or `+`."
  }

  validation {
    condition     = !contains(["admins", "users", "account users"], lower(var.display_name))
    error_message = "`display_name` may not be a built-in Databricks group (`admins`, `users`, `account users`)."
  }
}

variable "member_ids" {
  description = "Account-level SCIM ids of the members (service principals, users or groups), keyed by the member's name in the permission model (application id, display name or group name)."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = alltrue([for key, id in var.member_ids : trimspace(key) != "" && trimspace(id) != ""])
    error_message = "Every `member_ids` key and SCIM id must be non-blank."
  }
}

variable "workspace_id" {
  description = "Numeric id of a workspace to assign the group to with the `USER` permission (`databricks_mws_permission_assignment`), so that its members can use that workspace; `null` assigns it nowhere."
  type        = number
  default     = null

  validation {
    condition     = var.workspace_id == null || try(var.workspace_id > 0 && floor(var.workspace_id) == var.workspace_id, false)
    error_message = "`workspace_id` must be a positive whole number, the workspace id (as in `adb-<workspace id>.<n>.azuredatabricks.net`)."
  }
}
