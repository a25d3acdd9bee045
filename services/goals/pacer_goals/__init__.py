"""Pacer's goals service: SMART goals that move with live sales events and call misses at the deadline."""
