# An environment's Unity Catalog registered models, pre-created in its schema and owned by the
# environment's account group: only the owner (or a metastore admin) creates versions and sets
# aliases, and a model name left free could be created first, and owned, by whoever may create
# models in the schema.

locals {
  # The provider passes privilege names to Unity Catalog unchecked, so they are checked here. A
  # model is a FUNCTION securable in the grants API; these are its privileges.
  model_privileges = ["ALL_PRIVILEGES", "APPLY_TAG", "EXECUTE", "MANAGE"]
  # Owner-equivalent on a model (rename, drop, manage grants): refused on production models.
  refused_in_production = ["ALL_PRIVILEGES", "MANAGE"]
}

resource "databricks_registered_model" "this" {
  for_each = var.models

  catalog_name = var.catalog_name
  schema_name  = var.schema_name
  name         = each.key
  owner        = var.owner
  comment      = each.value.comment

  lifecycle {
    # Deleting a registered model deletes all of its versions.
    prevent_destroy = true
    # Aliases are set by the owner's runs (MLflow set_registered_model_alias), never by Terraform.
    ignore_changes = [aliases]
  }
}

# Authoritative per model: every grant on it that is not listed is revoked. A model without
# grants gets no resource (the provider needs at least one grant block and reads an empty list
# as a deleted resource), so grants its owner adds are not revoked by Terraform.
resource "databricks_grants" "this" {
  for_each = { for name, model in var.models : name => model if length(model.grants) > 0 }

  model = join(".", [
    databricks_registered_model.this[each.key].catalog_name,
    databricks_registered_model.this[each.key].schema_name,
    databricks_registered_model.this[each.key].name,
  ])

  dynamic "grant" {
    for_each = each.value.grants
    content {
      principal  = grant.value.principal
      privileges = grant.value.privileges
    }
  }
}
