"""Web pages of accounts, one module per area: onboarding, organization settings, security."""
