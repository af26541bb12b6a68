"""Every app of ours is in pytest's ``testpaths``: an app missing there has its tests silently
left out of ``make test`` (it happened to ``agents`` for a day)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from django.apps import apps
from django.conf import settings


def test_every_local_app_is_collected_by_make_test():
    config = tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())
    testpaths = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    ours = {
        Path(app.path).relative_to(settings.BASE_DIR).parts[0]
        for app in apps.get_app_configs()
        if Path(app.path).is_relative_to(settings.BASE_DIR) and "site-packages" not in app.path
    }
    assert {"accounts", "agents", "pipelines"} <= ours
    assert ours - testpaths == set()
