"""``/accounts/google/login/`` and its callback. Google One Tap (allauth's
``google_login_by_token``) is deliberately absent: BiDi signs in with the redirect flow only."""

from allauth.socialaccount.providers.oauth2.urls import default_urlpatterns

from accounts.google_oauth.provider import GoogleProvider

urlpatterns = default_urlpatterns(GoogleProvider)
