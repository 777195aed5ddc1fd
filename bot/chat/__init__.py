"""What every chat app shares: the conversation service, reviewers' commands, notices, files."""
