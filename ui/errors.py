"""Known errors versus bugs: what the user can act on is shown plainly, the rest is reported.

A :class:`~workbench.services.errors.ServiceError` carries a message written for the user
(bad input, a missing record, a refused permission): it is shown as it is. Anything else is
a bug: it goes to ``sys.excepthook``, which the app replaces with the crash handler
(:mod:`ui.crash`) and which pytest-qt turns into a test failure.
"""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtWidgets import QWidget

from workbench.services.errors import ServiceError

log = logging.getLogger(__name__)


def is_known(exc: BaseException) -> bool:
    """True for errors whose text is fit to show to the user as it is."""
    return isinstance(exc, ServiceError)


def sentence(text: str) -> str:
    """A service message as a sentence: capital first letter and a full stop."""
    text = text.strip()
    if not text:
        return text
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def show_known(exc: BaseException, parent: QWidget | None = None) -> None:
    """Tell the user about a known condition, in plain words, with nothing technical."""
    from PySide6.QtWidgets import QMessageBox  # loaded when needed: not on the startup path

    QMessageBox.warning(
        parent,
        QCoreApplication.translate("errors", "Support Workbench"),
        sentence(str(exc)),
    )


def report(exc: BaseException, parent: QObject | None = None) -> None:
    """Show a known error plainly; hand anything else to the crash handler as a bug."""
    if is_known(exc):
        log.info("known error shown to the user: %s", exc)
        widget = parent.window() if isinstance(parent, QWidget) else None
        show_known(exc, widget)
        return
    sys.excepthook(type(exc), exc, exc.__traceback__)
