output "experiment_directory" {
  description = "Workspace path of the archived experiment directory."
  value       = databricks_directory.this.path
}

output "schema" {
  description = "Full name (`catalog.schema`) of the archived schema."
  value       = "${databricks_schema.this.catalog_name}.${databricks_schema.this.name}"
}

output "owners" {
  description = "Owner of every archived securable, by full name: the catalog (when managed), the schema and each model."
  value = merge(
    { for catalog in databricks_catalog.this : catalog.name => catalog.owner },
    { "${databricks_schema.this.catalog_name}.${databricks_schema.this.name}" = databricks_schema.this.owner },
    { for name, model in databricks_registered_model.this : "${model.catalog_name}.${model.schema_name}.${name}" => model.owner },
  )
}
