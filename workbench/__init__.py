"""Support Workbench core: domain rules, storage, services and sync (no Qt below here)."""

__version__ = "0.1.0"
