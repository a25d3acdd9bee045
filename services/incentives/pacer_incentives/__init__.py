"""Pacer's incentives service: bonus ledger, recognition, leaderboards and promotion recommendations."""
