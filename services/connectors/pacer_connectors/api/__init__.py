"""The connectors' HTTP API: connection status for operators, and the CRMs' callbacks."""
