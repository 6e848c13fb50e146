"""Storage: database engines, the way in for writes, the event log, fan-out, schema, backups."""
