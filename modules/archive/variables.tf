variable "experiment_directory" {
  description = "Absolute workspace path of the retired environment's experiment directory, e.g. `/experiments/acc`."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^(/[A-Za-z0-9][A-Za-z0-9_.-]*)+$", var.experiment_directory))
    error_message = "`experiment_directory` must be an absolute workspace path such as `/experiments/acc`: segments of letters, digits, `_`, `.` and `-`, each starting with a letter or digit."
  }
}

variable "models" {
  description = "Names of the retired environment's registered models in the Workspace Model Registry, e.g. `[\"churn_acc\"]`."
  type        = set(string)
  default     = []
  nullable    = false

  validation {
    condition     = alltrue([for name in var.models : can(regex("^[A-Za-z0-9][A-Za-z0-9_.-]*$", name))])
    error_message = "Each model name is letters, digits, `_`, `.` and `-`, starting with a letter or digit."
  }
}
