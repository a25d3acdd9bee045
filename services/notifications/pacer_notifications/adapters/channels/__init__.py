"""Delivery channels of the notifications service: the team-chat robots and Pacer's own signed webhook."""
