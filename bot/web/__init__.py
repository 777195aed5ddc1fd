"""The bot's own web server: download links and the chat apps' webhooks."""
