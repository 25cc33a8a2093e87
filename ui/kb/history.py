"""The versions of an article, newest first, with a preview and "Restore this version".

Restoring is a new edit carrying the old title and body (the service's rule), so the list
only ever grows; the dialog just asks for it through :attr:`HistoryDialog.restore_requested`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ui import formatting
from ui.kb import roomy_rows
from ui.kb.markdown_view import MarkdownView
from workbench.services.kb_dto import ArticleVersionInfo

VERSION_ROLE = Qt.ItemDataRole.UserRole


class HistoryDialog(QDialog):
    """Lists :class:`ArticleVersionInfo` rows; emits the version to restore."""

    restore_requested = Signal(int)

    def __init__(self, title: str, versions: list[ArticleVersionInfo],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("kb-history")
        self.setWindowTitle(self.tr("History of “%1”").replace("%1", title))
        self.resize(880, 560)
        self.versions = versions
        self.list = QListWidget()
        self.list.setObjectName("kb-history-list")
        roomy_rows(self.list)
        self.preview = MarkdownView()
        for v in versions:
            who = v.editor_name or self.tr("unknown")
            label = self.tr("Version %1 · %2 · %3").replace("%1", str(v.version)).replace(
                "%2", formatting.datetime_text(v.created_at)).replace("%3", who)
            if v.current:
                label += " · " + self.tr("current")
            item = QListWidgetItem(label)
            item.setData(VERSION_ROLE, v.version)
            self.list.addItem(item)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([300, 580])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.restore = QPushButton(self.tr("&Restore this version"))
        self.restore.setObjectName("kb-restore")
        buttons.addButton(self.restore, QDialogButtonBox.ButtonRole.ActionRole)
        layout = QVBoxLayout(self)
        layout.addWidget(split, 1)
        layout.addWidget(buttons)
        buttons.rejected.connect(self.reject)
        self.restore.clicked.connect(self._restore)
        self.list.currentRowChanged.connect(self._show)
        self.list.setCurrentRow(0)

    def _show(self, row: int) -> None:
        if not 0 <= row < len(self.versions):
            return
        v = self.versions[row]
        current = self.versions[0]
        self.preview.show_markdown(f"# {v.title}\n\n{v.body}")
        self.restore.setEnabled(not v.current and (v.title, v.body) != (current.title,
                                                                         current.body))

    def _restore(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.versions):
            self.restore_requested.emit(self.versions[row].version)
            self.accept()
