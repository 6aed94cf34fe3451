# Unity Catalog mode for two environments of one workspace: `acc` (non-production) and `prod`
# (production). Per environment: account-level service principals and group `apps_{env}` assigned
# to the workspace, catalog `ml_{env}` and schema `models` owned by the Terraform identity with
# `apps_{env}` granted USE_CATALOG and USE_SCHEMA, and models owned by `apps_{env}` (the owner
# creates versions and sets aliases). Readers get EXECUTE plus the USE_* they need.
#
# The groups named as readers (`data-scientists`, `auditors`) are assumed to exist in the account.

variable "account_id" {
  description = "Databricks account id (the account console's id, a uuid)."
  type        = string
}

variable "workspace_id" {
  description = "Numeric id of the workspace the environment groups are assigned to."
  type        = number
}

# ---------------------------------------------------------------------------------------------
# acc: non-production
# ---------------------------------------------------------------------------------------------

module "acc_service_principals" {
  source    = "../../modules/account-service-principals"
  providers = { databricks = databricks.account }

  service_principals = {
    "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01" = {
      application_id = "3f2b8c1d-6a4e-4b7f-9c2d-1e5f7a8b9c01"
      display_name   = "ml-acc-runner"
    }
    "ml-acc-batch" = {
      display_name = "ml-acc-batch"
    }
  }
  adopt_existing = true
}

module "acc_group" {
  source    = "../../modules/account-group"
  providers = { databricks = databricks.account }

  display_name = "apps_acc"
  member_ids   = module.acc_service_principals.ids
  workspace_id = var.workspace_id
}

module "acc_uc" {
  source = "../../modules/uc-catalog"

  catalog_name = "ml_acc"
  schema_name  = "models"
  catalog_grants = [
    { principal = module.acc_group.display_name, privileges = ["USE_CATALOG"] },
    { principal = "data-scientists", privileges = ["USE_CATALOG"] },
  ]
  schema_grants = [
    { principal = module.acc_group.display_name, privileges = ["USE_SCHEMA"] },
    { principal = "data-scientists", privileges = ["USE_SCHEMA"] },
  ]
}

module "acc_models" {
  source = "../../modules/uc-models"

  catalog_name = module.acc_uc.catalog_name
  schema_name  = module.acc_uc.schema_name
  owner        = module.acc_group.display_name
  models = {
    churn = {}
    fraud = {
      comment = "Fraud scoring"
      grants  = [{ principal = "data-scientists", privileges = ["EXECUTE"] }]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# prod: production
# ---------------------------------------------------------------------------------------------

module "prod_service_principals" {
  source    = "../../modules/account-service-principals"
  providers = { databricks = databricks.account }

  service_principals = {
    "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03" = {
      application_id = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
      display_name   = "ml-prod-runner"
    }
  }
  adopt_existing = true
}

module "prod_group" {
  source    = "../../modules/account-group"
  providers = { databricks = databricks.account }

  display_name = "apps_prod"
  member_ids   = module.prod_service_principals.ids
  workspace_id = var.workspace_id
}

# production = true: nobody may hold CREATE_MODEL, CREATE_FUNCTION, ALL_PRIVILEGES or MANAGE on
# the catalog or the schema; only Terraform creates models there.
module "prod_uc" {
  source = "../../modules/uc-catalog"

  catalog_name = "ml_prod"
  schema_name  = "models"
  production   = true
  catalog_grants = [
    { principal = module.prod_group.display_name, privileges = ["USE_CATALOG"] },
    { principal = "auditors", privileges = ["USE_CATALOG"] },
  ]
  schema_grants = [
    { principal = module.prod_group.display_name, privileges = ["USE_SCHEMA"] },
    { principal = "auditors", privileges = ["USE_SCHEMA"] },
  ]
}

module "prod_models" {
  source = "../../modules/uc-models"

  catalog_name = module.prod_uc.catalog_name
  schema_name  = module.prod_uc.schema_name
  owner        = module.prod_group.display_name
  production   = true
  models = {
    churn = {}
    fraud = {
      comment = "Fraud scoring"
      grants  = [{ principal = "auditors", privileges = ["EXECUTE"] }]
    }
  }
}

output "model_full_names" {
  description = "Full name of every model (`catalog.schema.model`), by environment and short name."
  value = {
    acc  = module.acc_models.full_names
    prod = module.prod_models.full_names
  }
}

output "model_grants" {
  description = "Grants on every model, by full name, as sorted `principal:PRIVILEGE` strings (the owner, `apps_{env}`, is not a grant)."
  value       = merge(module.acc_models.grants, module.prod_models.grants)
}
