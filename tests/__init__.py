"""The mlenv test suite: unit/ (no network, Terraform or server), integration/, shim/, and support/ shared with benchmarks/."""
