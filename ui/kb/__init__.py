"""The knowledge-base widgets: article view and editor, category tree, answer picker,
suggestions, inserted-answer tracking and read-time accounting.

Views reach the knowledge base through :func:`kb_of` inside ops, so they work whether or
not the workbench has its ``kb`` service attached.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QSize
from PySide6.QtWidgets import QAbstractItemView, QStyledItemDelegate, QStyleOptionViewItem

from workbench.services.kb import KbService

if TYPE_CHECKING:
    from workbench.services.context import Workbench


def kb_of(wb: Workbench) -> KbService:
    """``wb.kb``, or a service made for this call when the workbench has none attached."""
    found = getattr(wb, "kb", None)
    return found if isinstance(found, KbService) else KbService(wb)


def utf16_offset(text: str, index: int) -> int:
    """The Qt text position (UTF-16 units) of Python string index *index* in *text*."""
    head = text[:index]
    return index + sum(1 for c in head if ord(c) > 0xFFFF)


def is_rtl(text: str) -> bool:
    """True when *text* begins (its first strong character) in a right-to-left script."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def language_name(code: str) -> str:
    """A language code as its speakers write it ("fa" -> "فارسی"); the code when unknown."""
    from PySide6.QtCore import QLocale

    locale = QLocale(code)
    if locale.language() == QLocale.Language.C:
        return code
    if locale.language() == QLocale.Language.English and "-" not in code:
        return "English"  # not "American English": the code names no country
    return locale.nativeLanguageName() or code


ROW_FACTOR = 1.45


def roomy_rows(view: QAbstractItemView) -> None:
    """Rows tall enough for every script the team writes in: Bengali and Khmer marks reach
    well above and below the Latin line that the font's metrics describe."""
    view.setItemDelegate(_RoomyDelegate(round(view.fontMetrics().height() * ROW_FACTOR), view))


class _RoomyDelegate(QStyledItemDelegate):
    def __init__(self, height: int, parent: QObject) -> None:
        super().__init__(parent)
        self._height = height

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
                 ) -> QSize:
        size = super().sizeHint(option, index)
        size.setHeight(max(size.height(), self._height))
        return size
