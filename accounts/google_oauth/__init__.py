"""Google sign-in: allauth's Google provider, installed as our own provider app.

allauth's Google adapter reads its endpoint URLs once, when its module is imported. This app
registers the same provider (id ``google``, same scopes, same id_token checks) with an adapter
that reads them per request from ``settings.GOOGLE_OAUTH_BASE_URL``, so tests can run the real
flow against ``tests/fakes/google_oauth.py`` without patching allauth. Unset, it is Google.
"""
