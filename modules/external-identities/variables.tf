variable "groups" {
  description = "Display names of the account-level groups that must exist, e.g. `[\"apps_acc\", \"data-scientists\"]`."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.groups : can(regex("^[A-Za-z0-9][A-Za-z0-9 ._@+-]{0,126}[A-Za-z0-9._-]$", name))])
    error_message = "Group names must be 2-128 characters among letters, digits, spaces and `. _ @ + -`, the first a letter or digit and the last not a space, `@` or `+`."
  }

  validation {
    condition     = alltrue([for name in var.groups : !contains(["admins", "users", "account users"], lower(name))])
    error_message = "`groups` may not list a built-in Databricks group (`admins`, `users`, `account users`)."
  }
}

variable "service_principals" {
  description = "Service principals that must exist in the account, keyed by the identifier the permission model uses: the application id, or the display name for a principal without one. A principal with an `application_id` is looked up by it, otherwise by `display_name`."
  type = map(object({
    application_id = optional(string)
    display_name   = optional(string)
  }))
  default  = {}
  nullable = false

  validation {
    condition     = alltrue([for sp in values(var.service_principals) : sp.application_id != null || sp.display_name != null])
    error_message = "Each service principal needs an `application_id` or a `display_name`."
  }

  validation {
    condition = alltrue([
      for sp in values(var.service_principals) :
      sp.application_id == null || can(regex("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", sp.application_id))
    ])
    error_message = "`application_id` must be a lowercase uuid."
  }

  validation {
    condition     = alltrue([for sp in values(var.service_principals) : sp.display_name == null || try(trimspace(sp.display_name) != "", false)])
    error_message = "`display_name`, when given, must be non-blank."
  }

  validation {
    condition     = alltrue([for key, sp in var.service_principals : try(key == coalesce(sp.application_id, sp.display_name), false)])
    error_message = "Each key must be the principal's `application_id`, or its `display_name` when it has no `application_id`."
  }
}
