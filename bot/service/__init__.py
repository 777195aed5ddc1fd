"""The running service: its settings, the scheduler's reminders, and what starts them all."""
