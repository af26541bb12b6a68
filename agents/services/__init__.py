"""Agents' write services, one module per area: drafts, settings, suggestions."""
