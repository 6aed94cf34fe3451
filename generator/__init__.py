"""mlenv generator: manifests -> permission model -> Terraform and permission files."""

__version__ = "0.1.0"
