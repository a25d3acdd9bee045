"""Pacer's notifications service: Turns events into email and team-chat messages, respecting preferences, locales and quiet hours."""
