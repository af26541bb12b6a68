"""Sections other apps add to the inbox's context panel (the right-hand pane of a chat).

messaging may not import the apps that stand on it (pipelines…), yet a conversation's deals
belong next to it. So they register a panel here from their ``AppConfig.ready()``: a callable
that gets the request and the chat and returns ``(template name, context)`` — or None to show
nothing (no permission, no contact). The inbox renders every registered panel, in
registration order, under the contact's card::

    inbox_panels.register_context_panel("deals", chat_deals_panel)

A panel re-renders itself by asking ``/inbox/<chat>/context/`` again (the whole panel is one
htmx partial), so its forms can post anywhere and then refresh it.

The conversation has two more such places, with the same callable shape: *composer sections*
show above the composer form (agents: the AI draft card) and *composer tools* show in the
composer's tool row, next to templates and emoji (agents: "Draft a reply"). They are rendered
only when the viewer may write in the chat; each refreshes itself through its own URLs::

    inbox_panels.register_composer_section("ai_draft", draft_card_section)
    inbox_panels.register_composer_tool("ai_draft", draft_generate_tool)
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


_composer_sections: dict[str, ContextPanel] = {}
_composer_tools: dict[str, ContextPanel] = {}


def register_composer_section(name: str, section: ContextPanel) -> ContextPanel:
    """Show ``section`` above the composer of every chat (re-registering a name replaces it)."""
    _composer_sections[name] = section
    return section


def unregister_composer_section(name: str) -> None:
    _composer_sections.pop(name, None)


def register_composer_tool(name: str, tool: ContextPanel) -> ContextPanel:
    """Show ``tool`` (a button) in the composer's tool row (re-registering a name replaces it)."""
    _composer_tools[name] = tool
    return tool


def unregister_composer_tool(name: str) -> None:
    _composer_tools.pop(name, None)


def _render_all(registry: dict[str, ContextPanel], request: HttpRequest, chat: Chat) -> SafeString:
    parts = []
    for render in registry.values():
        result = render(request, chat)
        if result is None:
            continue
        template, context = result
        parts.append(render_to_string(template, {"chat": chat, **context}, request=request))
    return mark_safe("".join(parts))  # noqa: S308  (the templates' own output)


def composer_sections_render(request: HttpRequest, chat: Chat) -> SafeString:
    """The registered composer sections of ``chat``, rendered, in registration order."""
    return _render_all(_composer_sections, request, chat)


def composer_tools_render(request: HttpRequest, chat: Chat) -> SafeString:
    """The registered composer tools of ``chat``, rendered, in registration order."""
    return _render_all(_composer_tools, request, chat)
