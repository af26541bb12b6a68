"""Web pages of notifications: the center and bell menu, settings, unsubscribe."""
