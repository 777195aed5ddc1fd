"""The chat apps the bot speaks through: Telegram, Zalo and the console."""
