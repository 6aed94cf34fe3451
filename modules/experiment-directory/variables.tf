variable "path" {
  description = "Absolute workspace path of the directory, e.g. `/experiments/acc`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^(/[A-Za-z0-9][A-Za-z0-9_.-]*)+$", var.path))
    error_message = "`path` must be an absolute workspace path such as `/experiments/acc`: segments of letters, digits, `_`, `.` and `-`, each starting with a letter or digit."
  }
}

variable "access_control" {
  description = "The complete access list of the directory (authoritative: every other grant is removed). Each entry names exactly one of `group_name`, `service_principal_name` (an application id) or `user_name`, and its `permission_level`."
  type = list(object({
    group_name             = optional(string)
    service_principal_name = optional(string)
    user_name              = optional(string)
    permission_level       = string
  }))
  nullable = false

  validation {
    condition     = length(var.access_control) > 0
    error_message = "`access_control` needs at least one entry."
  }

  validation {
    condition     = alltrue([for ac in var.access_control : length(compact([ac.group_name, ac.service_principal_name, ac.user_name])) == 1])
    error_message = "Each `access_control` entry names exactly one of `group_name`, `service_principal_name` or `user_name`."
  }

  validation {
    condition     = alltrue([for ac in var.access_control : contains(["CAN_READ", "CAN_RUN", "CAN_EDIT", "CAN_MANAGE"], ac.permission_level)])
    error_message = "Directory permission levels are `CAN_READ`, `CAN_RUN`, `CAN_EDIT` and `CAN_MANAGE`."
  }

  validation {
    condition     = length(distinct([for ac in var.access_control : coalesce(ac.group_name, ac.service_principal_name, ac.user_name)])) == length(var.access_control)
    error_message = "A principal may appear only once: two levels for one principal drift forever."
  }

  validation {
    condition     = !contains([for ac in var.access_control : ac.group_name if ac.group_name != null], "admins")
    error_message = "The `admins` group keeps `CAN_MANAGE` by itself and cannot be listed."
  }
}
