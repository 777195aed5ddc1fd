"""The web console: the reviewers' and admins' desk, served by the bot's own web server."""
