output "full_names" {
  description = "Full name of each model, `{catalog_name}.{schema_name}.{name}`, by short name (the registry URI `databricks-uc` uses it, and so do the grants)."
  value = {
    for name, model in databricks_registered_model.this : name => join(".", [model.catalog_name, model.schema_name, model.name])
  }
}

output "owners" {
  description = "Owner of each model as planned, by short name."
  value       = { for name, model in databricks_registered_model.this : name => model.owner }
}

output "grants" {
  description = "The grants planned on each model, by full name, as sorted `principal:PRIVILEGE` strings (an empty list for a model without grants)."
  value = {
    for name, model in databricks_registered_model.this : join(".", [model.catalog_name, model.schema_name, model.name]) => sort(flatten([
      for grant in try(databricks_grants.this[name].grant, []) : [for privilege in grant.privileges : "${grant.principal}:${privilege}"]
    ]))
  }
}
