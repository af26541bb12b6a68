"""Implementations of ``agents.llm.Provider``: ``openai`` (any OpenAI-compatible server) and
``local`` (offline, deterministic). ``agents.llm.get_provider`` picks one per organization."""
