"""Manifests: read environments/*.yaml, validate them and report every problem as FILE:LINE."""
