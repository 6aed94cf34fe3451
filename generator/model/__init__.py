"""The permission model: who may do what, computed from the manifests and checked by the policy."""
