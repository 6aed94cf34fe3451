"""Unit tier: no network, no Terraform, no server; runs in seconds."""
