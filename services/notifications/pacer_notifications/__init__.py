"""Pacer's notifications service: events turned into email and team-chat messages."""
