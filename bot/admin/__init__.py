"""The admin's core, for the command line and the web console alike: inviting in bulk."""
