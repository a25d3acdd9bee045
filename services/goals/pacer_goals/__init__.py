"""Pacer's goals service: SMART goals driven by live sales events: progress, at-risk warnings, GoalAchieved and GoalMissed at the deadline."""
