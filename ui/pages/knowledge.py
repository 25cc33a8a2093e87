"""The knowledge base page (articles and canned answers): an empty state until its issue lands."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QStyle, QWidget

from ui.pages.empty_state import EmptyStatePage


def knowledge_page(parent: QWidget | None = None) -> EmptyStatePage:
    def tr(text: str) -> str:
        return QCoreApplication.translate("knowledge", text)

    return EmptyStatePage(
        tr("Knowledge base"),
        tr("Articles and canned answers will appear here, ready to insert into a reply in "
           "two keystrokes, with the placeholders filled in for the customer and ticket."),
        QStyle.StandardPixmap.SP_FileDialogInfoView,
        parent,
    )
