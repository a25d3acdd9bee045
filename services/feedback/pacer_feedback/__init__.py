"""Pacer's feedback service: instant, two-way, requested (360) and anonymous feedback."""
