"""The connectors domain: connection mappings and what a CRM record counts as. Plain Python, no I/O."""
