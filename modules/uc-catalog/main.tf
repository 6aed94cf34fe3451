# An environment's Unity Catalog catalog and schema with their authoritative grants. The catalog
# is created here (manage_catalog = true) or only looked up (it exists and is governed
# elsewhere); the schema is always created here. Models go in the schema (modules/uc-models).

locals {
  # The provider passes privilege names to Unity Catalog unchecked, so they are checked here, per
  # securable type (Databricks "privilege types by securable object"; underscores, not spaces).
  catalog_privileges = [
    "ALL_PRIVILEGES", "APPLY_TAG", "BROWSE", "CREATE_FUNCTION", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL",
    "CREATE_SCHEMA", "CREATE_TABLE", "CREATE_VOLUME", "EXECUTE", "EXTERNAL_USE_SCHEMA", "MANAGE", "MODIFY",
    "READ_VOLUME", "REFRESH", "SELECT", "USE_CATALOG", "USE_SCHEMA", "WRITE_VOLUME",
  ]
  schema_privileges = [
    "ALL_PRIVILEGES", "APPLY_TAG", "CREATE_FUNCTION", "CREATE_MATERIALIZED_VIEW", "CREATE_MODEL", "CREATE_TABLE",
    "CREATE_VOLUME", "EXECUTE", "EXTERNAL_USE_SCHEMA", "MANAGE", "MODIFY", "READ_VOLUME", "REFRESH", "SELECT",
    "USE_SCHEMA", "WRITE_VOLUME",
  ]
  # Nobody holds these on a production catalog or schema: each lets its holder create models
  # (and own them) or act as the owner. The owner itself creates the models (modules/uc-models).
  refused_in_production = ["CREATE_MODEL", "CREATE_FUNCTION", "ALL_PRIVILEGES", "MANAGE"]
}

resource "databricks_catalog" "this" {
  count = var.manage_catalog ? 1 : 0

  name         = var.catalog_name
  owner        = var.catalog_owner
  comment      = var.catalog_comment
  storage_root = var.storage_root

  # Deleting a catalog deletes every schema and model in it, with all model versions.
  lifecycle {
    prevent_destroy = true
  }
}

# A catalog this module does not manage must already exist: the plan fails here, before anything
# is created, when it does not (or when the Terraform identity cannot see it).
data "databricks_catalog" "existing" {
  count = var.manage_catalog ? 0 : 1

  name = var.catalog_name
}

locals {
  # Referencing the resource (or the data source) orders the schema after the catalog.
  catalog_name = var.manage_catalog ? databricks_catalog.this[0].name : data.databricks_catalog.existing[0].name
}

resource "databricks_schema" "this" {
  catalog_name = local.catalog_name
  name         = var.schema_name
  owner        = var.schema_owner
  comment      = var.schema_comment

  # Deleting a schema deletes every model in it, with all model versions.
  lifecycle {
    prevent_destroy = true
  }
}

# Authoritative: every grant on the catalog that is not listed here is revoked. Only on a catalog
# this module manages; the owner of an existing catalog grants on it.
resource "databricks_grants" "catalog" {
  count = var.manage_catalog ? 1 : 0

  catalog = databricks_catalog.this[0].name

  dynamic "grant" {
    for_each = var.catalog_grants
    content {
      principal  = grant.value.principal
      privileges = grant.value.privileges
    }
  }
}

# Authoritative: every grant on the schema that is not listed here is revoked.
resource "databricks_grants" "schema" {
  schema = "${databricks_schema.this.catalog_name}.${databricks_schema.this.name}"

  dynamic "grant" {
    for_each = var.schema_grants
    content {
      principal  = grant.value.principal
      privileges = grant.value.privileges
    }
  }
}
