variable "service_principals" {
  description = "Service principals to add to the account, keyed by the identifier the permission model uses: the application id, or the display name for Databricks-managed principals (Databricks generates their application id)."
  type = map(object({
    application_id = optional(string)
    display_name   = optional(string)
  }))
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

variable "adopt_existing" {
  description = "Adopt a service principal that already exists in the account instead of failing (the provider's `force` argument; it matches by `application_id`, so it only helps principals given one). Azure-managed principals often exist in the account already."
  type        = bool
  default     = false
  nullable    = false
}
