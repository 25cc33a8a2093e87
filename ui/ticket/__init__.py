"""Tickets in the desktop app: the queue's parts (query, filters, table, chips, the SLA
watch), the ticket view (thread, composer box, fields, SLA panel, customer panel), and the
service-level settings editors."""
