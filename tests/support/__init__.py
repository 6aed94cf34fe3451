"""Shared by the tests and benchmarks/: the Databricks REST stand-in, repository helpers, synthetic manifests."""
