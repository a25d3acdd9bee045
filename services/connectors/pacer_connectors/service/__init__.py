"""The connectors' use cases: loading connections, applying what a CRM changed, and each connection's sync loop."""
