"""An importable ASGI app for multi-process serving (uvicorn --workers, gunicorn).

Reads the database URL from $WORKBENCH_SERVER_DB; every process is interchangeable.
"""

from __future__ import annotations

from workbench.sync.server.app import create_app
from workbench.sync.server.core.config import Settings, default_db_url

app = create_app(Settings(db_url=default_db_url()))
