"""Dialogs opened from the pages: ticket detail, new ticket."""
