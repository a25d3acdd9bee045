"""The benchmark scenarios, one module each; bench/run.py runs them and writes the results."""
