"""Find the factory-boy factory of every model, from each app's ``tests/factories.py``.

Tests that walk every model (tenant isolation, admin pages) use this so a new model is covered
as soon as its factory exists.
"""

from __future__ import annotations

import importlib

import factory
from django.apps import apps
from django.db import models


def model_factories() -> dict[type[models.Model], type[factory.django.DjangoModelFactory]]:
    found: dict[type[models.Model], type[factory.django.DjangoModelFactory]] = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.factories")
        except ModuleNotFoundError:
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, factory.django.DjangoModelFactory)
                and value._meta.model is not None
            ):
                found.setdefault(value._meta.model, value)
    return found
