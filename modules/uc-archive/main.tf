# A retired environment's data (its archive) in Unity Catalog: its experiment directory, its catalog (when mlenv
# created it), its schema and registered models, with every version, owned by the archive owner and granted to
# nobody. The owner and the metastore admins reach them. The environment's module calls move their objects here
# (moved blocks): nothing is created, and comments stay as they were.

resource "databricks_directory" "this" {
  path = var.experiment_directory

  # Deleting the directory deletes every experiment and run in it: only by removing the archive.
  lifecycle {
    prevent_destroy = true
  }
}

resource "databricks_catalog" "this" {
  count = var.manage_catalog ? 1 : 0

  name  = var.catalog_name
  owner = var.owner

  lifecycle {
    # Deleting a catalog deletes every schema and model in it: only by removing the archive.
    prevent_destroy = true
    # The archive keeps what the catalog had; Terraform no longer decides it (and a storage root change would
    # replace it).
    ignore_changes = [comment, storage_root]
  }
}

locals {
  # Referencing the resource orders the schema after the catalog (and its deletion before the catalog's).
  catalog_name = var.manage_catalog ? databricks_catalog.this[0].name : var.catalog_name
}

resource "databricks_schema" "this" {
  catalog_name = local.catalog_name
  name         = var.schema_name
  owner        = var.owner

  lifecycle {
    prevent_destroy = true
    ignore_changes  = [comment]
  }
}

resource "databricks_registered_model" "this" {
  for_each = var.models

  catalog_name = databricks_schema.this.catalog_name
  schema_name  = databricks_schema.this.name
  name         = each.key
  owner        = var.owner

  lifecycle {
    # Deleting a registered model deletes all of its versions: only by removing the archive.
    prevent_destroy = true
    ignore_changes  = [comment, aliases]
  }
}
