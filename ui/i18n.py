"""Marking text for translation where it is declared but translated later.

``QT_TRANSLATE_NOOP(context, text)`` returns *text* unchanged; ``pyside6-lupdate`` finds
the calls by name and puts the text in the catalogue under *context*, and the code that
shows it calls ``QCoreApplication.translate(context, text)``. PySide6 types its own version
as returning ``object``; this one keeps the ``str``.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, source: str) -> str:
    del context
    return source
