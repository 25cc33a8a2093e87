"""How long an article is really read: on screen, in the active window, page in front.

:class:`ReadTimeTracker` counts the seconds an article is shown while all of these hold:
the window is active (not in the background), not minimised, and the knowledge page is
the page shown. Losing the window's focus or minimising it *pauses* the count (the agent
comes back to the same reading); choosing another article, leaving the page or closing
it *ends* the view, which is recorded when it lasted at least
:data:`~workbench.domain.kpi.MIN_READ_SECONDS` (shorter ones are glances — the metrics'
definition). Time comes from an injected monotonic clock, so tests drive it by hand.

:meth:`ReadTimeTracker.watch` feeds the tracker from Qt events: window activation,
window-state changes (minimised) and spontaneous show/hide on the window; explicit
(non-spontaneous) show/hide of the page — the page stack switching pages.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget

from workbench.domain.kpi import MIN_READ_SECONDS

Recorder = Callable[[str, int], None]


class ReadTimeTracker(QObject):
    """Accumulates the reading time of the article shown and records finished views."""

    def __init__(self, record: Recorder, clock: Callable[[], float] = time.monotonic,
                 min_seconds: float = MIN_READ_SECONDS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._record = record
        self._clock = clock
        self._min = min_seconds
        self._article: str | None = None
        self._active = False
        self._window_shown = False
        self._page_shown = False
        self._since: float | None = None  # when the running stretch began
        self._seconds = 0.0  # finished stretches of the current view
        self._window: QWidget | None = None
        self._page: QWidget | None = None

    # -- inputs --------------------------------------------------------------------------
    def set_article(self, article_id: str | None) -> None:
        """Another article is shown (None: none): the current view ends."""
        if article_id == self._article:
            return
        self._end_view()
        self._article = article_id
        self._update()

    def set_window_active(self, active: bool) -> None:
        self._active = active
        self._update()

    def set_window_shown(self, shown: bool) -> None:
        """False while the window is minimised or hidden."""
        self._window_shown = shown
        self._update()

    def set_page_shown(self, shown: bool) -> None:
        """False when another page is in front: the view ends."""
        if not shown:
            self._end_view()
        self._page_shown = shown
        self._update()

    def finish(self) -> None:
        """The page or window closes: record the view in progress."""
        self._end_view()
        self._update()

    # -- state ---------------------------------------------------------------------------
    @property
    def article_id(self) -> str | None:
        return self._article

    @property
    def counting(self) -> bool:
        return self._since is not None

    def seconds(self) -> float:
        """Reading time of the current view so far."""
        running = self._clock() - self._since if self._since is not None else 0.0
        return self._seconds + running

    def _update(self) -> None:
        should = bool(self._article) and self._active and self._window_shown and self._page_shown
        if should and self._since is None:
            self._since = self._clock()
        elif not should and self._since is not None:
            self._seconds += self._clock() - self._since
            self._since = None

    def _end_view(self) -> None:
        total = self.seconds()
        article = self._article
        self._seconds = 0.0
        self._since = self._clock() if self._since is not None else None
        if article and total >= self._min:
            self._record(article, int(total))

    # -- Qt wiring -----------------------------------------------------------------------
    def watch(self, page: QWidget) -> None:
        """Follow *page* and its window (call once the page is in its window)."""
        self._page = page
        page.installEventFilter(self)
        self._watch_window(page.window())
        self._page_shown = page.isVisible()
        self._update()

    def _watch_window(self, window: QWidget) -> None:
        if self._window is window:
            return
        if self._window is not None:
            self._window.removeEventFilter(self)
        self._window = window
        window.installEventFilter(self)
        self._active = window.isActiveWindow()
        self._window_shown = window.isVisible() and not window.isMinimized()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is self._window:
            if kind == QEvent.Type.WindowActivate:
                self.set_window_active(True)
            elif kind == QEvent.Type.WindowDeactivate:
                self.set_window_active(False)
            elif kind == QEvent.Type.WindowStateChange and self._window is not None:
                minimised = bool(self._window.windowState() & Qt.WindowState.WindowMinimized)
                self.set_window_shown(not minimised and self._window.isVisible())
            elif kind == QEvent.Type.Show:
                self.set_window_shown(self._window is not None
                                      and not self._window.isMinimized())
            elif kind == QEvent.Type.Hide:
                self.set_window_shown(False)
            elif kind == QEvent.Type.Close:
                self.finish()
        if watched is self._page:
            if kind == QEvent.Type.ParentChange and self._page is not None:
                self._watch_window(self._page.window())
                self._update()
            elif kind in (QEvent.Type.Show, QEvent.Type.Hide) and not event.spontaneous():
                self.set_page_shown(kind == QEvent.Type.Show)
        return False
