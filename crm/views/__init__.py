"""CRM web pages, one module per area."""
