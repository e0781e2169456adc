"""Matchbot's service side: Teams bot, follow-up store, CLI. ``matching`` stays pure."""
