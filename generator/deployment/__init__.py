"""Plan and apply over the repository's Terraform roots: which roots, in what order, how many at once, and what an
interrupted apply or a layout switch left in a root's state (between the command line and the stages)."""
