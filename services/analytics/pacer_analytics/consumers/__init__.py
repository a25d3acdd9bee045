"""What analytics consumes, the faust-streaming way: the app, its tables and the agents that fill them."""
