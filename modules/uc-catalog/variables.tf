variable "catalog_name" {
  description = "Name of the environment's catalog, e.g. `ml_acc`: created when `manage_catalog` is true, otherwise an existing catalog."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,254}$", var.catalog_name))
    error_message = "`catalog_name` must be 1-255 lowercase letters, digits, `_` and `-`, starting with a letter or digit (Unity Catalog stores names in lower case)."
  }

  validation {
    condition     = !contains(["system", "hive_metastore", "samples"], var.catalog_name)
    error_message = "`catalog_name` may not be a catalog Databricks provides (`system`, `hive_metastore`, `samples`)."
  }
}

variable "schema_name" {
  description = "Name of the schema that holds the environment's models, e.g. `models` (full name `{catalog_name}.{schema_name}`)."
  type        = string
  nullable    = false

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]{0,254}$", var.schema_name))
    error_message = "`schema_name` must be 1-255 lowercase letters, digits, `_` and `-`, starting with a letter or digit (Unity Catalog stores names in lower case)."
  }

  validation {
    condition     = !contains(["default", "information_schema"], var.schema_name)
    error_message = "`schema_name` may not be `information_schema` (reserved) or `default` (a workspace catalog's `default` schema lets every user create models)."
  }
}

variable "manage_catalog" {
  description = "Whether this module creates the catalog and owns its grants. `false`: the catalog exists and is governed elsewhere; the module looks it up (the plan fails if it is missing) and manages only the schema and its grants, and the catalog's owner must grant `USE_CATALOG` to every principal of `schema_grants`."
  type        = bool
  default     = true
  nullable    = false
}

variable "production" {
  description = "Whether the catalog and schema belong to a production environment: `CREATE_MODEL`, `CREATE_FUNCTION`, `ALL_PRIVILEGES` and `MANAGE` are then refused in `catalog_grants` and `schema_grants` (models are pre-created by Terraform; a model created at run time would be squatting)."
  type        = bool
  default     = false
  nullable    = false
}

variable "catalog_owner" {
  description = "Owner of the catalog (an account-level group, user or service principal application id); `null` leaves it with its creator, the Terraform identity. Only with `manage_catalog`."
  type        = string
  default     = null

  validation {
    condition     = var.catalog_owner == null || try(trimspace(var.catalog_owner) == var.catalog_owner && var.catalog_owner != "", false)
    error_message = "`catalog_owner`, when given, must be non-blank, without leading or trailing spaces."
  }

  validation {
    condition     = var.manage_catalog || var.catalog_owner == null
    error_message = "`catalog_owner` applies only when `manage_catalog` is true (an existing catalog keeps its owner)."
  }
}

variable "schema_owner" {
  description = "Owner of the schema (an account-level group, user or service principal application id); `null` leaves it with its creator, the Terraform identity."
  type        = string
  default     = null

  validation {
    condition     = var.schema_owner == null || try(trimspace(var.schema_owner) == var.schema_owner && var.schema_owner != "", false)
    error_message = "`schema_owner`, when given, must be non-blank, without leading or trailing spaces."
  }
}

variable "storage_root" {
  description = "Managed storage location of the catalog (an external location URL such as `abfss://ml@account.dfs.core.windows.net/acc`); `null` uses the metastore's. Changing it replaces the catalog, which `prevent_destroy` refuses. Only with `manage_catalog`."
  type        = string
  default     = null

  validation {
    condition     = var.storage_root == null || can(regex("^(s3|s3a|abfss|gs|r2)://[^\\s]+$", var.storage_root))
    error_message = "`storage_root` must be a cloud storage URL (`s3://`, `s3a://`, `abfss://`, `gs://` or `r2://`) without spaces."
  }

  validation {
    condition     = var.manage_catalog || var.storage_root == null
    error_message = "`storage_root` applies only when `manage_catalog` is true (an existing catalog keeps its storage)."
  }
}

variable "catalog_comment" {
  description = "Comment on the catalog. Only with `manage_catalog`."
  type        = string
  default     = null

  validation {
    condition     = var.manage_catalog || var.catalog_comment == null
    error_message = "`catalog_comment` applies only when `manage_catalog` is true."
  }
}

variable "schema_comment" {
  description = "Comment on the schema."
  type        = string
  default     = null
}

variable "catalog_grants" {
  description = "The complete grants on the catalog (authoritative: every other grant is revoked), e.g. `[{ principal = \"apps_acc\", privileges = [\"USE_CATALOG\"] }]`. Each entry names one account-level `principal` (group name, user name or service principal application id) and its `privileges`. Needs at least one entry with `manage_catalog`, and must be empty without it."
  type = list(object({
    principal  = optional(string)
    privileges = optional(list(string), [])
  }))
  default  = []
  nullable = false

  validation {
    condition     = !var.manage_catalog || length(var.catalog_grants) > 0
    error_message = "`catalog_grants` needs at least one entry when `manage_catalog` is true (the provider cannot hold an empty grant list)."
  }

  validation {
    condition     = var.manage_catalog || length(var.catalog_grants) == 0
    error_message = "`catalog_grants` must be empty when `manage_catalog` is false: the grants on an existing catalog belong to its owner."
  }

  validation {
    condition     = alltrue([for g in var.catalog_grants : try(trimspace(g.principal) == g.principal && g.principal != "", false)])
    error_message = "Each `catalog_grants` entry names a non-blank `principal`, without leading or trailing spaces."
  }

  validation {
    condition     = length(distinct([for g in var.catalog_grants : try(lower(g.principal), "")])) == length(var.catalog_grants)
    error_message = "A principal may appear only once in `catalog_grants` (compared without case): list all its privileges in one entry."
  }

  validation {
    condition     = alltrue([for g in var.catalog_grants : length(g.privileges) > 0])
    error_message = "Each `catalog_grants` entry lists at least one privilege."
  }

  validation {
    condition     = alltrue(flatten([for g in var.catalog_grants : [for p in g.privileges : contains(local.catalog_privileges, p)]]))
    error_message = "Catalog privileges are `ALL_PRIVILEGES`, `APPLY_TAG`, `BROWSE`, `CREATE_FUNCTION`, `CREATE_MATERIALIZED_VIEW`, `CREATE_MODEL`, `CREATE_SCHEMA`, `CREATE_TABLE`, `CREATE_VOLUME`, `EXECUTE`, `EXTERNAL_USE_SCHEMA`, `MANAGE`, `MODIFY`, `READ_VOLUME`, `REFRESH`, `SELECT`, `USE_CATALOG`, `USE_SCHEMA` and `WRITE_VOLUME` (upper case, underscores)."
  }

  validation {
    condition     = !var.production || alltrue(flatten([for g in var.catalog_grants : [for p in g.privileges : !contains(local.refused_in_production, p)]]))
    error_message = "A production catalog grants nobody `CREATE_MODEL`, `CREATE_FUNCTION`, `ALL_PRIVILEGES` or `MANAGE`."
  }
}

variable "schema_grants" {
  description = "The complete grants on the schema (authoritative: every other grant is revoked), e.g. `[{ principal = \"apps_acc\", privileges = [\"USE_SCHEMA\"] }]`. Each entry names one account-level `principal` (group name, user name or service principal application id) and its `privileges`."
  type = list(object({
    principal  = optional(string)
    privileges = optional(list(string), [])
  }))
  nullable = false

  validation {
    condition     = length(var.schema_grants) > 0
    error_message = "`schema_grants` needs at least one entry (the provider cannot hold an empty grant list)."
  }

  validation {
    condition     = alltrue([for g in var.schema_grants : try(trimspace(g.principal) == g.principal && g.principal != "", false)])
    error_message = "Each `schema_grants` entry names a non-blank `principal`, without leading or trailing spaces."
  }

  validation {
    condition     = length(distinct([for g in var.schema_grants : try(lower(g.principal), "")])) == length(var.schema_grants)
    error_message = "A principal may appear only once in `schema_grants` (compared without case): list all its privileges in one entry."
  }

  validation {
    condition     = alltrue([for g in var.schema_grants : length(g.privileges) > 0])
    error_message = "Each `schema_grants` entry lists at least one privilege."
  }

  validation {
    condition     = alltrue(flatten([for g in var.schema_grants : [for p in g.privileges : contains(local.schema_privileges, p)]]))
    error_message = "Schema privileges are `ALL_PRIVILEGES`, `APPLY_TAG`, `CREATE_FUNCTION`, `CREATE_MATERIALIZED_VIEW`, `CREATE_MODEL`, `CREATE_TABLE`, `CREATE_VOLUME`, `EXECUTE`, `EXTERNAL_USE_SCHEMA`, `MANAGE`, `MODIFY`, `READ_VOLUME`, `REFRESH`, `SELECT`, `USE_SCHEMA` and `WRITE_VOLUME` (upper case, underscores)."
  }

  validation {
    condition     = !var.production || alltrue(flatten([for g in var.schema_grants : [for p in g.privileges : !contains(local.refused_in_production, p)]]))
    error_message = "A production schema grants nobody `CREATE_MODEL`, `CREATE_FUNCTION`, `ALL_PRIVILEGES` or `MANAGE`."
  }
}
