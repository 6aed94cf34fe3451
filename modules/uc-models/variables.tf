variable "catalog_name" {
  description = "Catalog of the models, e.g. `ml_acc` (typically `module.<env>_uc.catalog_name`, which also orders the models after the schema)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,254}$", var.catalog_name))
    error_message = "`catalog_name` must be 1-255 lowercase letters, digits, `_` and `-`, starting with a letter or digit (Unity Catalog stores names in lower case)."
  }
}

variable "schema_name" {
  description = "Schema of the models, e.g. `models` (typically `module.<env>_uc.schema_name`)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,254}$", var.schema_name))
    error_message = "`schema_name` must be 1-255 lowercase letters, digits, `_` and `-`, starting with a letter or digit (Unity Catalog stores names in lower case)."
  }
}

variable "owner" {
  description = "Owner of every model: the environment's account-level group, e.g. `apps_acc`. The owner creates versions and sets aliases; it holds every privilege and is not listed in `grants`."
  type        = string
  nullable    = false

  validation {
    condition     = trimspace(var.owner) == var.owner && var.owner != ""
    error_message = "`owner` must be non-blank, without leading or trailing spaces."
  }
}

variable "models" {
  description = "Registered models keyed by their short name (the full name is `{catalog_name}.{schema_name}.{name}`), each with an optional `comment` and its complete `grants` (authoritative when not empty: every other grant is revoked), e.g. `[{ principal = \"data-scientists\", privileges = [\"EXECUTE\"] }]`. A reader also needs `USE_CATALOG` and `USE_SCHEMA` on the catalog and schema (modules/uc-catalog)."
  type = map(object({
    comment = optional(string)
    grants = optional(list(object({
      principal  = optional(string)
      privileges = optional(list(string), [])
    })), [])
  }))
  nullable = false

  validation {
    condition     = alltrue([for name in keys(var.models) : can(regex("^[a-z0-9][a-z0-9_-]{0,254}$", name))])
    error_message = "Model names must be 1-255 lowercase letters, digits, `_` and `-`, starting with a letter or digit (Unity Catalog stores names in lower case)."
  }

  validation {
    condition     = alltrue(flatten([for model in values(var.models) : [for g in model.grants : try(trimspace(g.principal) == g.principal && g.principal != "", false)]]))
    error_message = "Each `grants` entry names a non-blank `principal`, without leading or trailing spaces."
  }

  validation {
    condition = alltrue([
      for model in values(var.models) :
      length(distinct([for g in model.grants : try(lower(g.principal), "")])) == length(model.grants)
    ])
    error_message = "A principal may appear only once in a model's `grants` (compared without case): list all its privileges in one entry."
  }

  validation {
    condition     = alltrue(flatten([for model in values(var.models) : [for g in model.grants : length(g.privileges) > 0]]))
    error_message = "Each `grants` entry lists at least one privilege."
  }

  validation {
    condition = alltrue(flatten([
      for model in values(var.models) : [for g in model.grants : [for p in g.privileges : contains(local.model_privileges, p)]]
    ]))
    error_message = "Model privileges are `ALL_PRIVILEGES`, `APPLY_TAG`, `EXECUTE` and `MANAGE` (upper case, underscores); versions and aliases are the owner's, with no privilege of their own."
  }

  validation {
    condition = alltrue(flatten([
      for model in values(var.models) : [for g in model.grants : try(lower(g.principal) != lower(var.owner), true)]
    ]))
    error_message = "The `owner` holds every privilege on its models and is not listed in `grants`."
  }

  validation {
    condition = !var.production || alltrue(flatten([
      for model in values(var.models) : [for g in model.grants : [for p in g.privileges : !contains(local.refused_in_production, p)]]
    ]))
    error_message = "A production model grants nobody `ALL_PRIVILEGES` or `MANAGE` (owner-equivalent: rename, drop, manage grants)."
  }
}

variable "production" {
  description = "Whether the models belong to a production environment: `ALL_PRIVILEGES` and `MANAGE` are then refused in `grants`."
  type        = bool
  default     = false
  nullable    = false
}
