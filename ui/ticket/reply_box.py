"""Where the agent answers: the composer, "send as" (public reply or internal note) and the
status to set on sending ("Send and set pending").

``send_requested(kind, body, status)`` carries what to send; the ticket view runs it and
calls :meth:`ReplyBox.sent` or :meth:`ReplyBox.refused`. Ctrl+Enter sends. The box tints
itself amber while writing an internal note, so a note is never sent by mistake as a reply.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ui import errors, labels
from ui.customer.common import Banner, Tone
from ui.dialogs.thread_html import NOTE_AMBER, mix
from ui.widgets.composer import Composer
from workbench.domain.enums import EventKind, TicketStatus

KEEP = ""
_STATUS_CHOICES = (TicketStatus.PENDING, TicketStatus.ON_HOLD, TicketStatus.SOLVED,
                   TicketStatus.OPEN)


class ReplyBox(QFrame):
    """Composer plus the choices that go with sending."""

    send_requested = Signal(str, str, str)  # kind (EventKind value), body, status or ""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("reply-box")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.contact_warnings = Banner(Tone.WARNING)
        self.contact_warnings.setObjectName("contact-warnings")
        self._warnings: list[str] = []
        self.composer = Composer()
        self.composer.setMinimumHeight(72)
        self.as_reply = QRadioButton(self.tr("Public &reply"))
        self.as_note = QRadioButton(self.tr("Internal &note"))
        self.as_reply.setToolTip(self.tr("Sent to the customer"))
        self.as_note.setToolTip(self.tr("Seen only by the team; never sent"))
        self.as_reply.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.as_reply)
        group.addButton(self.as_note)
        self.status_on_send = QComboBox()
        self.status_on_send.setObjectName("status-on-send")
        self.status_on_send.addItem(self.tr("keep status"), KEEP)
        for status in _STATUS_CHOICES:
            self.status_on_send.addItem(
                self.tr("set %1").replace("%1", labels.status_label(status.value).lower()),
                status.value)
        self.send_button = QPushButton()
        self.send_button.setObjectName("send")
        self.send_button.setDefault(True)
        self.message = QLabel()
        self.message.setObjectName("reply-error")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setStyleSheet("QLabel#reply-error { color: #d32f2f; font-weight: 600; }")
        self.message.hide()

        options = QHBoxLayout()
        options.addWidget(QLabel(self.tr("Send as:")))
        options.addWidget(self.as_reply)
        options.addWidget(self.as_note)
        options.addStretch(1)
        options.addWidget(QLabel(self.tr("and")))
        options.addWidget(self.status_on_send)
        options.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.contact_warnings)
        layout.addWidget(self.composer, 1)
        layout.addWidget(self.message)
        layout.addLayout(options)

        self.composer.refused.connect(self.show_message)
        self.composer.textChanged.connect(self.message.hide)
        group.buttonToggled.connect(lambda _b, _on: self._update())
        self.status_on_send.currentIndexChanged.connect(lambda _i: self._update())
        self.send_button.clicked.connect(self.send)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(self.send)
        self._base = self.palette()
        self._busy = False
        self._update()

    @property
    def kind(self) -> EventKind:
        return EventKind.INTERNAL_NOTE if self.as_note.isChecked() else EventKind.PUBLIC_REPLY

    def send(self) -> None:
        body = self.composer.toPlainText()
        if self._busy:
            return
        if not body.strip():
            self.show_message(self.tr("Write something first."))
            return
        self._busy = True
        self.send_button.setEnabled(False)
        self.send_requested.emit(self.kind.value, body, self.status_on_send.currentData())

    def sent(self) -> None:
        """The service accepted the message: start afresh."""
        self._busy = False
        self.composer.clear()
        self.status_on_send.setCurrentIndex(0)
        self.message.hide()
        self._update()

    def refused(self, exc: BaseException) -> None:
        """The service refused: keep the text, say why."""
        self._busy = False
        self._update()
        self.show_message(str(exc))

    def show_contact_warnings(self, lines: list[str]) -> None:
        """The customer's stated preferences, shown above a public reply (not a note)."""
        self._warnings = list(lines)
        self._update()

    def show_message(self, text: str) -> None:
        self.message.setText(errors.sentence(text))
        self.message.show()

    def _update(self) -> None:
        note = self.as_note.isChecked()
        status = self.status_on_send.currentData()
        verb = self.tr("Add note") if note else self.tr("Send")
        if status:
            verb = self.tr("%1 and set %2").replace("%1", verb).replace(
                "%2", labels.status_label(status).lower())
        self.send_button.setText(verb)
        self.send_button.setEnabled(not self._busy)
        if self._warnings and not note:
            self.contact_warnings.show_lines(self._warnings)
        else:
            self.contact_warnings.clear_text()
        self.composer.setPlaceholderText(
            self.tr("Write an internal note — the customer never sees it") if note
            else self.tr("Write a reply… (“/” or Ctrl+Space for a canned answer)"))
        palette = QPalette(self._base)
        if note:
            window = palette.color(QPalette.ColorRole.Window)
            palette.setColor(QPalette.ColorRole.Window, mix(window, NOTE_AMBER, 0.25))
            base = palette.color(QPalette.ColorRole.Base)
            palette.setColor(QPalette.ColorRole.Base, mix(base, NOTE_AMBER, 0.1))
        self.setPalette(palette)
