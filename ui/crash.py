"""The crash handler: an unexpected exception is logged with its traceback and shown once.

Installed as ``sys.excepthook`` (and ``threading.excepthook``) by :func:`ui.app.run`.
Known errors (:func:`ui.errors.is_known`) get a plain message; bugs get the crash dialog,
which names the log file so the user can pass it on. Exceptions raised on another thread
are marshalled to the UI thread by a queued signal before any widget is touched.
"""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication

from ui import errors

log = logging.getLogger(__name__)


def _tr(text: str) -> str:
    return QCoreApplication.translate("crash", text)


class CrashHandler(QObject):
    """Logs every unhandled exception and shows it in a dialog on the UI thread."""

    _raised_elsewhere = Signal(object, object, object)

    def __init__(self, log_file: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_file = log_file
        self._showing = False
        self._raised_elsewhere.connect(self._show)

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_excepthook

    def uninstall(self) -> None:
        sys.excepthook = sys.__excepthook__
        threading.excepthook = threading.__excepthook__

    def excepthook(
        self,
        exc_type: type[BaseException],
        exc: BaseException,
        tb: TracebackType | None,
    ) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            QApplication.quit()
            return
        if errors.is_known(exc):
            log.info("known error: %s", exc)
        else:
            log.error("unhandled exception", exc_info=(exc_type, exc, tb))
        if threading.current_thread() is threading.main_thread():
            self._show(exc_type, exc, tb)
        else:
            self._raised_elsewhere.emit(exc_type, exc, tb)

    def _thread_excepthook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    @Slot(object, object, object)
    def _show(
        self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        if self._showing:  # an error while the dialog is up is logged, not stacked
            return
        self._showing = True
        try:
            parent = QApplication.activeWindow()
            if errors.is_known(exc):
                errors.show_known(exc, parent)
                return
            from PySide6.QtWidgets import QMessageBox  # not on the startup path

            box = QMessageBox(parent)
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(_tr("Support Workbench — unexpected error"))
            box.setText(_tr("Something went wrong that Support Workbench did not expect."))
            box.setInformativeText(
                _tr(
                    "Everything saved before this moment is safe. The details were written "
                    "to the log file:\n%1\n\nIf it happens again, please send that file to "
                    "whoever supports Support Workbench for your team."
                ).replace("%1", str(self.log_file))
            )
            box.setDetailedText("".join(traceback.format_exception(exc_type, exc, tb)))
            open_logs = box.addButton(_tr("Open log folder"), QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
            if box.clickedButton() is open_logs:
                QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_file.parent)))
        finally:
            self._showing = False
