"""Which canned answers went into the reply being written, for recording when it is sent.

The composer's owner keeps one :class:`InsertedAnswers` per reply: the picker adds each
answer it inserts (an answer inserted twice counts twice); when the reply is sent,
:meth:`InsertedAnswers.record_sent` records one use per answer, each saying whether the
agent edited it (``KbService.record_use`` decides: the inserted text no longer appears as
it was in what was sent), and starts afresh. Emptying the composer forgets the answers:
a reply thrown away was never sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ui import errors
from ui.kb import kb_of

if TYPE_CHECKING:
    from PySide6.QtWidgets import QPlainTextEdit

    from ui.ops import OpRunner
    from workbench.services.context import Workbench

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class InsertedAnswer:
    article_id: str
    text: str


class InsertedAnswers:
    """The answers inserted into one reply so far."""

    def __init__(self) -> None:
        self._answers: list[InsertedAnswer] = []

    def add(self, article_id: str, text: str) -> None:
        self._answers.append(InsertedAnswer(article_id, text))

    def clear(self) -> None:
        self._answers.clear()

    def __len__(self) -> int:
        return len(self._answers)

    @property
    def answers(self) -> list[InsertedAnswer]:
        return list(self._answers)

    def follow(self, composer: QPlainTextEdit) -> None:
        """Forget the answers whenever *composer* becomes empty (cleared after sending, or
        the agent deleted everything)."""
        document = composer.document()
        composer.textChanged.connect(lambda: self.clear() if document.isEmpty() else None)

    def record_sent(self, runner: OpRunner, ticket_id: str | None, sent_text: str) -> None:
        """Record a use of every answer inserted into *sent_text*, then forget them."""
        answers, self._answers = self._answers, []
        if not answers:
            return

        def record(wb: Workbench) -> list[bool]:
            kb = kb_of(wb)
            return [kb.record_use(a.article_id, ticket_id, a.text, sent_text) for a in answers]

        runner.run_op(record, None, _log_failure)


def _log_failure(exc: BaseException) -> None:
    # The reply went out; failing to count the answer (an article deleted by a sync in the
    # meantime) must not look like the reply failed. A bug is still reported as one.
    if errors.is_known(exc):
        log.warning("canned-answer use not recorded: %s", exc)
    else:
        errors.report(exc)
