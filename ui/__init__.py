"""Support Workbench's desktop presentation layer (PySide6 Qt Widgets).

Views reach data only through :mod:`ui.ops`, which runs service calls of
:mod:`workbench.services` on one worker thread and reports back by Qt signals.
"""
