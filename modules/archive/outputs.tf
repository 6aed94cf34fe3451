output "experiment_directory" {
  description = "Workspace path of the archived experiment directory."
  value       = databricks_directory.this.path
}

output "models" {
  description = "Registered model id of each archived model, by name."
  value       = { for name, model in databricks_mlflow_model.this : name => model.registered_model_id }
}
