"""Terraform: the offline toolchain, the runner, and plan/apply with their guards."""
