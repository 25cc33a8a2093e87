"""A page that is honest about being empty: a heading and one sentence on what will be here."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStyle, QVBoxLayout, QWidget

ICON_SIZE = 48
EXPLANATION_WIDTH = 520


class EmptyStatePage(QWidget):
    """Centred icon, heading and explanation; no placeholder data."""

    def __init__(
        self,
        heading: str,
        explanation: str,
        icon: QStyle.StandardPixmap,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        picture = QLabel()
        style = self.style()
        if style is not None:
            picture.setPixmap(style.standardIcon(icon).pixmap(ICON_SIZE, ICON_SIZE))
        picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        picture.setEnabled(False)
        self.heading = QLabel(heading)
        font = QFont(self.heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation = QLabel(explanation)
        self.explanation.setWordWrap(True)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.explanation.setFixedWidth(EXPLANATION_WIDTH)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addWidget(picture)
        layout.addSpacing(8)
        layout.addWidget(self.heading)
        centred = QHBoxLayout()  # not an alignment flag: that would ignore height-for-width
        centred.addStretch(1)
        centred.addWidget(self.explanation)
        centred.addStretch(1)
        layout.addLayout(centred)
        layout.addStretch(3)
