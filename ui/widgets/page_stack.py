"""A stack of pages each built the first time it is shown.

A page nobody opens costs no construction, no imports and no queries. At startup even the
page on screen may wait: :meth:`LazyPageStack.select` makes a page current while its
placeholder (the window's background) stands in, so the window's first frame needs none of
the page's modules; :meth:`LazyPageStack.build_current` builds it right after that frame.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QStackedWidget, QWidget

PageFactory = Callable[[], QWidget]


class LazyPageStack(QStackedWidget):
    """Holds a placeholder per page until :meth:`page` builds the real one."""

    page_built = Signal(str, QWidget)  # (page id, the page) once a page exists

    def __init__(
        self, factories: Sequence[tuple[str, PageFactory]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._ids = [page_id for page_id, _factory in factories]
        self._factories = dict(factories)
        self._built: dict[str, QWidget] = {}
        for _page_id in self._ids:
            self.addWidget(QWidget())

    @property
    def page_ids(self) -> list[str]:
        return list(self._ids)

    def built(self) -> dict[str, QWidget]:
        """The pages built so far, by id."""
        return dict(self._built)

    def page(self, page_id: str) -> QWidget:
        """The page, built now if it never was."""
        page = self._built.get(page_id)
        if page is None:
            index = self._ids.index(page_id)
            placeholder = self.widget(index)
            assert placeholder is not None
            page = self._factories[page_id]()
            page.setObjectName(f"page-{page_id}")
            self._built[page_id] = page
            self.insertWidget(index, page)
            self.removeWidget(placeholder)
            placeholder.deleteLater()
            self.page_built.emit(page_id, page)
        return page

    def show_page(self, page_id: str) -> QWidget:
        page = self.page(page_id)
        self.setCurrentWidget(page)
        return page

    def select(self, page_id: str) -> None:
        """Make *page_id* current without building it (its placeholder shows meanwhile)."""
        self.setCurrentIndex(self._ids.index(page_id))

    def build_current(self) -> QWidget:
        """Build the current page if only its placeholder stands there yet."""
        return self.show_page(self.current_page_id())

    def current_page_id(self) -> str:
        return self._ids[self.currentIndex()]
