output "catalog_name" {
  description = "Name of the catalog (created or looked up)."
  value       = local.catalog_name
}

output "schema_name" {
  description = "Name of the schema."
  value       = databricks_schema.this.name
}

output "schema_full_name" {
  description = "Full name of the schema, `{catalog_name}.{schema_name}`: the prefix of every model in it."
  value       = "${databricks_schema.this.catalog_name}.${databricks_schema.this.name}"
}

output "catalog_managed" {
  description = "Whether this module manages the catalog and its grants (`manage_catalog`)."
  value       = var.manage_catalog
}

output "catalog_owner" {
  description = "Owner of the catalog: as planned (known after apply when left to the Terraform identity), or as read from an existing catalog. The owner holds every privilege on the catalog and everything in it, and is not listed among the grants."
  value       = var.manage_catalog ? databricks_catalog.this[0].owner : try(data.databricks_catalog.existing[0].catalog_info[0].owner, null)
}

output "schema_owner" {
  description = "Owner of the schema as planned (known after apply when left to the Terraform identity). It holds every privilege on the schema and its models, and is not listed among the grants."
  value       = databricks_schema.this.owner
}

output "catalog_grants" {
  description = "The grants planned on the catalog as sorted `principal:PRIVILEGE` strings (empty when the catalog is not managed here)."
  value = sort(flatten([
    for resource in databricks_grants.catalog : [
      for grant in resource.grant : [for privilege in grant.privileges : "${grant.principal}:${privilege}"]
    ]
  ]))
}

output "schema_grants" {
  description = "The grants planned on the schema as sorted `principal:PRIVILEGE` strings."
  value = sort(flatten([
    for grant in databricks_grants.schema.grant : [for privilege in grant.privileges : "${grant.principal}:${privilege}"]
  ]))
}
