"""The goals domain: goals, periods, pace and the SMART check. Plain Python, no I/O."""
