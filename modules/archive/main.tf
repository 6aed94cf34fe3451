# A retired environment's data (its archive) in the Workspace Model Registry: its experiment directory and
# registered models, with every run and version, and no access list of their own. Only the workspace admins and
# the models' creator (the Terraform identity) reach them. The environment's module calls move their objects
# here (moved blocks): nothing is created, and the descriptions and tags stay as they were.

resource "databricks_directory" "this" {
  path = var.experiment_directory

  # Deleting the directory deletes every experiment and run in it: only by removing the archive.
  lifecycle {
    prevent_destroy = true
  }
}

resource "databricks_mlflow_model" "this" {
  for_each = var.models

  name = each.key

  lifecycle {
    # Deleting a registered model deletes all of its versions: only by removing the archive.
    prevent_destroy = true
    # The archive keeps what the model had; Terraform no longer decides it.
    ignore_changes = [description, tags]
  }
}
