# Hand-written outputs of the example (the module calls are generated into mlenv_*.tf).

output "model_full_names" {
  description = "Full name of every model (`catalog.schema.model`), by environment and short name."
  value = {
    acc     = module.acc_models.full_names
    preprod = module.preprod_models.full_names
    prod    = module.prod_models.full_names
  }
}

output "model_grants" {
  description = "Grants on every model, by full name, as sorted `principal:PRIVILEGE` strings (the owner, `apps_{env}`, is not a grant)."
  value       = merge(module.acc_models.grants, module.preprod_models.grants, module.prod_models.grants)
}
