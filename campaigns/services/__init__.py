"""Writes of the campaigns app: ``campaigns`` (settings, steps, delete) and ``lifecycle``
(launch, pause, resume, cancel)."""
