variable "group_name" {
  description = "Name of the group, managed elsewhere, to add the members to, e.g. `apps_all`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,126}[A-Za-z0-9._-]$", var.group_name))
    error_message = "`group_name` must be 2-128 characters among letters, digits, spaces and `. _ @ + -`, the first a letter or digit and the last not a space, `@` or `+`."
  }

  validation {
    condition     = !contains(["admins", "users", "account users"], lower(var.group_name))
    error_message = "`group_name` may not be a built-in Databricks group (`admins`, `users`, `account users`): membership of those is not mlenv's to give."
  }
}

variable "member_ids" {
  description = "SCIM ids of the members to add, keyed by the member's name in the permission model (the environment group's name)."
  type        = map(string)
  nullable    = false

  validation {
    condition     = length(var.member_ids) > 0
    error_message = "`member_ids` must name at least one member: a membership call without members manages nothing."
  }

  validation {
    condition     = alltrue([for key, id in var.member_ids : trimspace(key) != "" && trimspace(id) != ""])
    error_message = "Every `member_ids` key and SCIM id must be non-blank."
  }
}

variable "account" {
  description = "Whether the group and the members are account-level (Unity Catalog with `identities: account`; pass a provider configured for the account) rather than workspace-level."
  type        = bool
  default     = false
  nullable    = false
}
