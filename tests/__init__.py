"""The mlenv test suite: unit/ (no network, Terraform or server), integration/, shim/.

support/ holds what tests and benchmarks/ share.
"""
