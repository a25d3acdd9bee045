"""Pacer's reviews service: Review cycles on a cadence with explainable scores, development plans and training."""
