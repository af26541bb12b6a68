"""Messaging models: bots and their raw updates, chats, messages, attachments, history imports."""

from messaging.models.bots import TelegramBot, TelegramUpdate
from messaging.models.chats import Chat, ChatMember
from messaging.models.history import HistoryImport
from messaging.models.messages import Attachment, Message

__all__ = [
    "Attachment",
    "Chat",
    "ChatMember",
    "HistoryImport",
    "Message",
    "TelegramBot",
    "TelegramUpdate",
]
