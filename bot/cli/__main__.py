"""`python -m bot.cli …`, as the tests and a service manager without the script may run it."""

from bot.cli import main

main()
