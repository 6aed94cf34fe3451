variable "models" {
  description = "Registered models keyed by their full name (`{model}_{env}`), each with an optional `description` and `tags` and its complete `access_control` list (authoritative: every other grant is removed). Each `access_control` entry names exactly one of `group_name`, `service_principal_name` (an application id) or `user_name`, and its `permission_level`."
  type = map(object({
    description = optional(string)
    tags        = optional(map(string), {})
    access_control = list(object({
      group_name             = optional(string)
      service_principal_name = optional(string)
      user_name              = optional(string)
      permission_level       = string
    }))
  }))
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.models) : can(regex("^[A-Za-z0-9][A-Za-z0-9_-]*$", name))])
    error_message = "Model names are letters, digits, `_` and `-`, starting with a letter or digit."
  }

  validation {
    condition     = alltrue([for model in values(var.models) : length(model.access_control) > 0])
    error_message = "Each model needs at least one `access_control` entry."
  }

  validation {
    condition = alltrue(flatten([
      for model in values(var.models) : [
        for ac in model.access_control : length(compact([ac.group_name, ac.service_principal_name, ac.user_name])) == 1
      ]
    ]))
    error_message = "Each `access_control` entry names exactly one of `group_name`, `service_principal_name` or `user_name`."
  }

  validation {
    condition = alltrue(flatten([
      for model in values(var.models) : [
        for ac in model.access_control : contains(["CAN_READ", "CAN_EDIT", "CAN_MANAGE_STAGING_VERSIONS", "CAN_MANAGE_PRODUCTION_VERSIONS", "CAN_MANAGE"], ac.permission_level)
      ]
    ]))
    error_message = "Model permission levels are `CAN_READ`, `CAN_EDIT`, `CAN_MANAGE_STAGING_VERSIONS`, `CAN_MANAGE_PRODUCTION_VERSIONS` and `CAN_MANAGE`."
  }

  validation {
    condition = alltrue([
      for model in values(var.models) :
      length(distinct([for ac in model.access_control : coalesce(ac.group_name, ac.service_principal_name, ac.user_name)])) == length(model.access_control)
    ])
    error_message = "A principal may appear only once per model: two levels for one principal drift forever."
  }

  validation {
    condition = alltrue([
      for model in values(var.models) : !contains([for ac in model.access_control : ac.group_name if ac.group_name != null], "admins")
    ])
    error_message = "The `admins` group keeps `CAN_MANAGE` by itself and cannot be listed."
  }
}
