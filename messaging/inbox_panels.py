"""Sections other apps add to the inbox's context panel (the right-hand pane of a chat).

messaging may not import the apps that stand on it (pipelines…), yet a conversation's deals
belong next to it. So they register a panel here from their ``AppConfig.ready()``: a callable
that gets the request and the chat and returns ``(template name, context)`` — or None to show
nothing (no permission, no contact). The inbox renders every registered panel, in
registration order, under the contact's card::

    inbox_panels.register_context_panel("deals", chat_deals_panel)

A panel re-renders itself by asking ``/inbox/<chat>/context/`` again (the whole panel is one
htmx partial), so its forms can post anywhere and then refresh it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from messaging.models import Chat

PanelResult = tuple[str, dict[str, Any]] | None
ContextPanel = Callable[[HttpRequest, Chat], PanelResult]

_panels: dict[str, ContextPanel] = {}


def register_context_panel(name: str, panel: ContextPanel) -> ContextPanel:
    """Show ``panel`` in every chat's context panel; registering a name again replaces it
    (a reloaded ``ready()`` shows it once)."""
    _panels[name] = panel
    return panel


def unregister_context_panel(name: str) -> None:
    _panels.pop(name, None)


def context_panels_render(request: HttpRequest, chat: Chat) -> list[SafeString]:
    """The registered panels of ``chat``, rendered, in registration order."""
    rendered = []
    for panel in _panels.values():
        result = panel(request, chat)
        if result is None:
            continue
        template, context = result
        html = render_to_string(template, {"chat": chat, **context}, request=request)
        rendered.append(mark_safe(html))  # noqa: S308  (a template's own output)
    return rendered
