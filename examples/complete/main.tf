# Every module of this repository together, for two environments of one workspace: `acc`
# (acceptance, non-production) and `prod` (production). This is what `mlenv render` generates
# from environments/acc.yaml and environments/prod.yaml, written by hand and commented.
#
# The groups named as readers (`data-scientists`, `auditors`) are assumed to exist already.

# ---------------------------------------------------------------------------------------------
# acc: non-production
# ---------------------------------------------------------------------------------------------

# An Azure-managed principal (named by its application id) and a Databricks-managed one (named by
# its display name; Databricks generates its application id).
module "acc_service_principals" {
  source = "../../modules/service-principals"

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
  source = "../../modules/group"

  display_name = "apps_acc"
  member_ids   = module.acc_service_principals.ids
}

module "acc_experiments" {
  source     = "../../modules/experiment-directory"
  depends_on = [module.acc_group]

  path = "/experiments/acc"
  access_control = [
    { group_name = "apps_acc", permission_level = "CAN_MANAGE" },
    { group_name = "data-scientists", permission_level = "CAN_READ" },
  ]
}

# Outside production the environment's group may move versions through staging only.
module "acc_models" {
  source     = "../../modules/registered-models"
  depends_on = [module.acc_group]

  models = {
    churn_acc = {
      access_control = [
        { group_name = "apps_acc", permission_level = "CAN_MANAGE_STAGING_VERSIONS" },
      ]
    }
    fraud_acc = {
      description = "Fraud scoring"
      access_control = [
        { group_name = "apps_acc", permission_level = "CAN_MANAGE_STAGING_VERSIONS" },
        { group_name = "data-scientists", permission_level = "CAN_READ" },
      ]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# prod: production
# ---------------------------------------------------------------------------------------------

module "prod_service_principals" {
  source = "../../modules/service-principals"

  service_principals = {
    "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03" = {
      application_id = "b18e5f3c-9d2a-4e7b-a6c1-3d0f4e5a6b03"
      display_name   = "ml-prod-runner"
    }
  }
  adopt_existing = true
}

module "prod_group" {
  source = "../../modules/group"

  display_name = "apps_prod"
  member_ids   = module.prod_service_principals.ids
}

module "prod_experiments" {
  source     = "../../modules/experiment-directory"
  depends_on = [module.prod_group]

  path = "/experiments/prod"
  access_control = [
    { group_name = "apps_prod", permission_level = "CAN_MANAGE" },
    { group_name = "auditors", permission_level = "CAN_READ" },
  ]
}

# Only the production group may manage production versions; no non-production principal is
# granted anything on these models.
module "prod_models" {
  source     = "../../modules/registered-models"
  depends_on = [module.prod_group]

  models = {
    churn_prod = {
      access_control = [
        { group_name = "apps_prod", permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS" },
      ]
    }
    fraud_prod = {
      description = "Fraud scoring"
      tags        = { owner = "risk-team" }
      access_control = [
        { group_name = "apps_prod", permission_level = "CAN_MANAGE_PRODUCTION_VERSIONS" },
        { group_name = "auditors", permission_level = "CAN_READ" },
      ]
    }
  }
}

# ---------------------------------------------------------------------------------------------
# Every environment
# ---------------------------------------------------------------------------------------------

module "all_principals_group" {
  source = "../../modules/group"

  display_name = "apps_all"
  member_ids = {
    apps_acc  = module.acc_group.id
    apps_prod = module.prod_group.id
  }
}

output "experiment_directories" {
  description = "Experiment directory of each environment."
  value = {
    acc  = module.acc_experiments.path
    prod = module.prod_experiments.path
  }
}

output "model_access" {
  description = "Access list of every registered model, by model name, as sorted `principal_type:principal:LEVEL` strings."
  value       = merge(module.acc_models.access_control, module.prod_models.access_control)
}
