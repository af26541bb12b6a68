"""CRM write use cases, one module per area; import from the module (``crm.services.contacts``)."""
