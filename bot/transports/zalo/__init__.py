"""The Zalo transport: Zalo's Bot Platform, text only, in front of the same service."""
