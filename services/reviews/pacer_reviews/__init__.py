"""Pacer's reviews service: review cycles, explainable scores, development and training."""
