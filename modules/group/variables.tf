variable "display_name" {
  description = "Name of the group, e.g. apps_acc."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,126}[A-Za-z0-9._-]$", var.display_name))
    error_message = "display_name must be 2-128 letters, digits, spaces and . _ @ + -."
  }

  validation {
    condition     = !contains(["admins", "users", "account users"], lower(var.display_name))
    error_message = "display_name may not be a built-in Databricks group."
  }
}

variable "member_ids" {
  description = "SCIM ids of the members (service principals, users or groups), keyed by the member's name in the permission model."
  type        = map(string)
  default     = {}
}
