"""The console chat and the demo that opens it."""
