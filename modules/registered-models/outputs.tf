output "registered_model_ids" {
  description = "Registered model id of each model, by name (permissions and the REST API use it)."
  value       = { for name, model in databricks_mlflow_model.this : name => model.registered_model_id }
}

output "access_control" {
  description = "The access list planned on each model's `databricks_permissions` resource, by model name, as sorted `principal_type:principal:LEVEL` strings."
  value = {
    for key, model in databricks_mlflow_model.this : model.name => sort([
      for ac in databricks_permissions.this[key].access_control :
      ac.group_name != null ? "group:${ac.group_name}:${ac.permission_level}" : (
        ac.service_principal_name != null ? "service_principal:${ac.service_principal_name}:${ac.permission_level}" :
      "user:${ac.user_name}:${ac.permission_level}")
    ])
  }
}
