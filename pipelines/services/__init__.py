"""Writes of the pipelines app, one module per aggregate (pipelines, stages, deals)."""
