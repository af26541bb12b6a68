"""Messaging: Telegram bots, chats, messages and attachments (email accounts join later)."""
