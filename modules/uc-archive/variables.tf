variable "experiment_directory" {
  description = "Absolute workspace path of the retired environment's experiment directory, e.g. `/experiments/acc`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^(/[A-Za-z0-9][A-Za-z0-9_.-]*)+$", var.experiment_directory))
    error_message = "`experiment_directory` must be an absolute workspace path such as `/experiments/acc`: segments of letters, digits, `_`, `.` and `-`, each starting with a letter or digit."
  }
}

variable "catalog_name" {
  description = "The retired environment's catalog, e.g. `ml_acc`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.catalog_name))
    error_message = "`catalog_name` is 1-63 lowercase letters, digits and `_`, starting with a letter."
  }
}

variable "manage_catalog" {
  description = "Whether mlenv created the catalog (it is then archived with its owner changed); `false`: the catalog is governed elsewhere and only the schema and models are archived."
  type        = bool
  default     = true
  nullable    = false
}

variable "schema_name" {
  description = "The schema that holds the retired environment's models, e.g. `models`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.schema_name))
    error_message = "`schema_name` is 1-63 lowercase letters, digits and `_`, starting with a letter."
  }
}

variable "models" {
  description = "Names of the retired environment's registered models in the schema, e.g. `[\"churn\"]`."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.models : can(regex("^[a-z][a-z0-9_-]{0,62}[a-z0-9]$", name))])
    error_message = "Each model name is 2-64 lowercase letters, digits, `_` and `-`, starting with a letter."
  }
}

variable "owner" {
  description = "The account group that owns the archive (`unity_catalog.archive_owner`): it and the metastore admins reach the data, nobody else is granted anything."
  type        = string
  nullable    = false

  validation {
    condition     = length(trimspace(var.owner)) > 0
    error_message = "`owner` names the account group that keeps archives."
  }
}
