"""Pacer's incentives service: Bonus ledger computed from events, recognition, leaderboards and promotion recommendations."""
