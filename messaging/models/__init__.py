"""Messaging models: bots and their raw updates, chats, messages, attachments, history imports."""

from messaging.models.bots import TelegramBot, TelegramUpdate
from messaging.models.chats import Chat, ChatMember
from messaging.models.history import HistoryImport
from messaging.models.inbox import ChatReadState
from messaging.models.linkpreviews import LinkPreview
from messaging.models.messages import Attachment, Message
from messaging.models.templates import ResponseTemplate

__all__ = [
    "Attachment",
    "Chat",
    "ChatMember",
    "ChatReadState",
    "HistoryImport",
    "LinkPreview",
    "Message",
    "ResponseTemplate",
    "TelegramBot",
    "TelegramUpdate",
]
