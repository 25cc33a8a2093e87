"""The metrics panel's widgets: tiles, charts (matplotlib, loaded lazily), the agent table,
the period and filter bars, drill-down and exports."""
