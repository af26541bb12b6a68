"""Keep the garbage collector off the request path.

A BiDi process holds a few hundred thousand long-lived objects after start-up (Django, the URL
configuration, views, serializers, templates). Each full collection walks all of them, which
took 100-130 ms per collection on the board API, every few requests: that, not the queries, was
the board's p95. ``gc.freeze()`` moves what start-up created into a permanent generation the
collector skips; what requests allocate is still collected as usual. Called once the process
has loaded everything it serves, and before Celery forks its workers (frozen pages are also
shared copy-on-write with the children).
"""

from __future__ import annotations

import gc


def freeze_startup_objects() -> int:
    """Load the URL configuration (and with it every view), then freeze; returns how many
    objects were frozen."""
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018  (imports views, forms, serializers)
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
