"""Sync: the wire protocol, the client sync engine, and (in ``server``) the team server.

The client side (this package minus ``server``) speaks HTTP through httpx and never imports
FastAPI; the team server lives in :mod:`workbench.sync.server`.
"""
