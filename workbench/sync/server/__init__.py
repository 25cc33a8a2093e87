"""The team server: a stateless FastAPI app over PostgreSQL (or SQLite for one small team).

Only this package imports FastAPI, Starlette and uvicorn (an import-linter contract).
"""
