"""The connectors' adapters: MongoDB repositories and the CRM clients."""
