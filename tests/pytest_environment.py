"""Environment for the test run, loaded as a pytest plugin (``-p`` in pyproject.toml) so it is in
place before pytest-django imports the settings — conftest.py runs too late for that.

Tests get their own Redis database (flushed between tests, so never one a running ``make run``
uses) and their own key prefix, and run Celery tasks eagerly unless a test asks for the real
``celery_worker``.
"""

import os

os.environ.setdefault("REDIS_DB", "15")
os.environ.setdefault("REDIS_KEY_PREFIX", f"bidi-test-{os.getpid()}")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "true")
os.environ.setdefault("ACCOUNT_EMAIL_VERIFICATION", "mandatory")
# Nothing reaches the real Bot API: unused loopback port (refused at once) unless a test
# starts the fake server (the ``fake_telegram`` fixture points the setting at it).
os.environ.setdefault("TELEGRAM_API_BASE_URL", "http://127.0.0.1:9")
# Links in test messages are not fetched for previews (no request leaves the machine) unless a
# test asks for a fake site (``fake_website`` / ``guarded_website`` turn previews on).
os.environ.setdefault("LINK_PREVIEW_ENABLED", "false")
# No test reaches a real language model through the instance-wide AI key of the developer's
# shell; tests that want one start the fake (``fake_openai``) or set AI_EVAL_* (tests/ai_eval).
os.environ["AI_OPENAI_API_KEY"] = ""
os.environ["AI_OPENAI_BASE_URL"] = "http://127.0.0.1:9/v1"
os.environ["DJANGO_ENV"] = "test"
