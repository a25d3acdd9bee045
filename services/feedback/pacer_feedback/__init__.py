"""Pacer's feedback service: Instant, two-way, requested (360) and anonymous feedback."""
