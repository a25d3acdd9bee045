"""The faust-streaming side of analytics: the app, its tables and the agents that fill them."""
