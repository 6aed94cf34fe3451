"""The live workspace: reads through databricks-sdk for audit and adopt."""
