"""Rendering: the permission model written as Terraform, permission files and reports."""
