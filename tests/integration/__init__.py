"""Integration tier: real Terraform with the locally built provider, the REST stand-in, real processes."""
