"""A customer merge made by one agent syncs to the team without any refusal."""
from __future__ import annotations

from pathlib import Path

from synckit import ThreadServer, stations

from workbench.services.calls import CallService
from workbench.services.handoffs import HandoffService
from workbench.services.history import HistoryService
from workbench.services.merge import MergeService
from workbench.store.models import SurveyAnswer


def test_a_merge_by_another_agent_syncs_without_refusals(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "lead")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    server.add_agent("Mina Karimi", "mina@example.com", "agent")
    with stations(tmp_path, server, 2) as (a, b):
        dana = a.login("dana@example.com")
        b.login("ravi@example.com")
        a.sync()
        b.sync()
        mina = a.wb.agents.get("mina@example.com").id
        s = a.wb.customers.create("Ana Lima", "ana@example.org").id
        d = a.wb.customers.create("Ana L.", "ana@work.example", owner_id=dana).id
        a.wb.customers.set_preference(s, "preferred_channel", "email")
        a.wb.customers.set_preference(d, "preferred_channel", "phone")
        a.wb.customers.set_preference(d, "do_not_call", True)
        a.wb.tickets.create("Dup ticket", d, body="hi")
        HistoryService(a.wb).add_note(d, "Dana's note on the duplicate")
        CallService(a.wb).log(d, direction="inbound", started_at=a.clock.now_ms() - 120_000,
                              duration_s=60, outcome="follow-up")
        HandoffService(a.wb).create(d, mina, "Handing over the duplicate record for now.")
        with a.wb.write() as w:
            w.insert(SurveyAnswer(kind="csat", score=5, customer_id=d, comment="",
                                  answered_at=w.now_ms))
        a.sync()
        b.sync()
        # Ravi moves Dana's note, call and hand-off: a re-link the server must accept.
        MergeService(b.wb).merge(s, d, {"preferred_channel": "duplicate"})
        assert b.sync().rejected == 0
        a.sync()
        assert a.rows() == b.rows()
        assert a.wb.customers.get(s).preferences == {"preferred_channel": "phone",
                                                     "do_not_call": True}


def test_a_hand_off_made_offline_reaches_the_colleague_at_the_next_sync(
    server: ThreadServer, tmp_path: Path
) -> None:
    server.add_agent("Dana Smith", "dana@example.com", "lead")
    server.add_agent("Ravi Das", "ravi@example.com", "agent")
    with stations(tmp_path, server, 2) as (a, b):
        dana = a.login("dana@example.com")
        ravi = b.login("ravi@example.com")
        a.sync()
        b.sync()
        # Dana works offline: a customer of hers, then a hand-off to Ravi.
        customer = a.wb.customers.create("Նարե Սարգսյան", "nare@example.am", owner_id=dana).id
        HandoffService(a.wb).create(
            customer, ravi, "Context: billing dispute. Promised a refund answer by Friday. "
                            "Next step: confirm with finance."
        )
        assert HandoffService(b.wb).inbox() == []  # Ravi has not heard of it yet
        assert a.sync().rejected == 0
        b.sync()
        inbox = HandoffService(b.wb).inbox()
        assert [h.customer_id for h in inbox] == [customer]
        assert b.wb.customers.get(customer).owner_id == ravi
        HandoffService(b.wb).acknowledge(inbox[0].id)
        assert b.sync().rejected == 0
        a.sync()
        assert HandoffService(a.wb).pending_for(dana) == []
        assert a.rows() == b.rows()
