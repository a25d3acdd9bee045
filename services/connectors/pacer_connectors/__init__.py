"""Pacer's connectors service: learns of changes in a company's CRM and publishes them to `sales.activity`."""
