"""The Telegram transport: python-telegram-bot in front of the shared conversation service."""
