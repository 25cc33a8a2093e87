"""Shared data and helpers of the export/import tests (a realistic dataset, file edits)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from workbench.domain.clock import FrozenClock, parse_iso
from workbench.domain.sla import BusinessCalendar, default_policy
from workbench.services.context import Workbench
from workbench.services.exchange import export_jsonl
from workbench.store.models import (
    AgentPulse,
    ArticleView,
    Call,
    CannedUse,
    Change,
    CustomerNote,
    Handoff,
    KbArticle,
    KbArticleVersion,
    KbCategory,
    SlaCalendar,
    SlaPolicy,
    SurveyAnswer,
    syncable_models,
)

START = parse_iso("2026-03-02T09:00:00Z")  # a Monday
DOCS = Path(__file__).parents[3] / "docs" / "exchange-format.md"
Lines = list[str]


# -- a small, realistic, multilingual team ---------------------------------------------------
def build_dataset(wb: Workbench, clock: FrozenClock) -> None:
    team = wb.agents.create_team("پشتیبانی تهران", "Asia/Tehran")
    dana = wb.agents.create("Dana Rahimi", "dana@example.com", "lead", team)
    sok = wb.agents.create("សុខ ចាន់ 🙂", "sok@example.com", "agent", team)
    wb.actor_id = dana.id
    maryam = wb.customers.create("مریم احمدی", "maryam@example.ir", owner_id=sok.id,
                                 language="fa", time_zone="Asia/Tehran", tags=["vip"])
    rahim = wb.customers.create("রহিম উদ্দিন", "rahim@example.bd", language="bn",
                                time_zone="Asia/Dhaka", organisation="ঢাকা ট্রেডার্স")
    abebe = wb.customers.create("አበበ በቀለ", None, phone="+251 11 123 4567", language="am",
                                time_zone="Africa/Addis_Ababa")
    aram = wb.customers.create("Արամ Պետրոսյան", "aram@example.am", language="hy",
                               time_zone="Asia/Yerevan", plan="premium")
    wb.customers.set_preference(maryam.id, "channel", "phone")
    wb.customers.set_preference(maryam.id, "do_not_contact", False)
    wb.customers.set_preference(rahim.id, "hours", {"from": "09:00", "to": "17:00", "days": 5})
    wb.customers.set_preference(aram.id, "rating", 4.5)

    printer = wb.tickets.create("چاپگر کار نمی‌کند 🖨️", maryam.id, body="سلام،\nچاپگر خراب است",
                                priority="high", assignee_id=sok.id, tags=["printer", "دفتر"])
    clock.advance(600)
    wb.tickets.reply(printer.id, "ជំរាបសួរ! យើងកំពុងពិនិត្យ 🙏")
    wb.tickets.note(printer.id, "internal: ask the vendor")
    refund = wb.tickets.create("টাকা ফেরত চাই", rahim.id, body="অর্ডার #৪৪২", priority="urgent",
                               channel="chat")
    clock.advance(120)
    wb.tickets.update(refund.id, status="pending", priority="high", assignee_id=dana.id)
    parcel = wb.tickets.create("ምርት አልደረሰም", abebe.id, channel="phone", body="ጥቅሉ የት ነው?")
    clock.advance(3600)
    wb.tickets.reply(parcel.id, "Shipped today 📦", status="solved")
    account = wb.tickets.create("Խնդիր հաշվի հետ", aram.id, body="Չեմ կարող մուտք գործել")
    wb.tickets.customer_message(account.id, "Շնորհակալություն 😊")

    clock.advance(60)
    with wb.write() as w:
        # Models declare no relationships, so the session cannot order parents first: flush.
        flush, now = w.session.flush, w.now_ms
        hours = {day: [("08:00", "16:00")] for day in ("sat", "sun", "mon", "tue", "wed")}
        calendar = BusinessCalendar.from_hours("Asia/Tehran", hours, name="دفتر تهران")
        cal = w.insert(SlaCalendar(name="دفتر تهران", definition=calendar.to_dict(),
                                   updated_at=now))
        flush()
        w.insert(SlaPolicy(name="Default", calendar_id=cal.id,
                           definition=default_policy().to_dict(), is_default=True,
                           updated_at=now))
        top = w.insert(KbCategory(name="چاپگرها", position=0, created_at=now))
        flush()
        laser = w.insert(KbCategory(name="Laser 🖨️", parent_id=top.id, position=1,
                                    created_at=now))
        flush()
        article = w.insert(KbArticle(
            category_id=laser.id, title="راه‌اندازی دوباره", language="fa", tags=["printer"],
            body="سلام {customer.first_name}،\nلطفاً دستگاه را خاموش کنید. ✅",
            author_id=dana.id, created_at=now, updated_at=now))
        flush()
        w.insert(KbArticleVersion(article_id=article.id, version=1, title=article.title,
                                  body=article.body, editor_id=dana.id, created_at=now))
        w.insert(ArticleView(article_id=article.id, agent_id=sok.id, viewed_at=now, seconds=42))
        w.insert(CannedUse(article_id=article.id, agent_id=sok.id, ticket_id=printer.id,
                           edited=True, used_at=now))
        w.insert(Call(customer_id=rahim.id, agent_id=sok.id, ticket_id=refund.id,
                      direction="inbound", started_at=now - 600_000, duration_s=300, hold_s=45,
                      outcome="follow-up", notes="গ্রাহক অপেক্ষা করছেন", created_at=now))
        w.insert(CustomerNote(customer_id=maryam.id, author_id=dana.id,
                              body="یادداشت: صبح‌ها تماس بگیرید 📝", created_at=now,
                              updated_at=now))
        w.insert(Handoff(customer_id=maryam.id, from_agent_id=sok.id, to_agent_id=dana.id,
                         created_by_id=sok.id, summary="ភ្ញៀវ VIP — សូមតាមដាន",
                         include_tickets=True, created_at=now))
        w.insert(SurveyAnswer(kind="csat", score=5, customer_id=maryam.id, ticket_id=printer.id,
                              comment="ممنون 🙏", answered_at=now))
        w.insert(SurveyAnswer(kind="nps", score=0, customer_id=abebe.id, ticket_id=None,
                              comment="", answered_at=now))
        w.insert(AgentPulse(agent_id=sok.id, score=4, comment="ខ្ញុំសប្បាយចិត្ត", answered_at=now))


def open_wb(path: Path) -> Workbench:
    return Workbench.open(path, clock=FrozenClock(START + 3_600_000 * 2))


def export_text(wb: Workbench) -> str:
    out = io.StringIO()
    export_jsonl(wb, out)
    return out.getvalue()


def row_counts(wb: Workbench) -> dict[str, int]:
    with wb.read() as s:
        tables = [*syncable_models(), "changes"]
        return {t: s.scalar(text(f"SELECT count(*) FROM {t}")) or 0 for t in tables}


def unlogged_rows(wb: Workbench) -> list[tuple[str, str]]:
    """Syncable rows without an insert entry in the change log (must be none)."""
    with wb.read() as s:
        logged = set(s.execute(select(Change.entity, Change.row_id)
                               .where(Change.kind == "insert")).all())
        return [(t, i) for t in syncable_models()
                for i in s.scalars(text(f"SELECT id FROM {t}")) if (t, i) not in logged]



def write(path: Path, lines: Lines) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def find(lines: Lines, kind: str) -> int:
    """Index of the first record of *kind* (its line number is the index + 1)."""
    return next(i for i, line in enumerate(lines) if json.loads(line).get("type") == kind)


def edit(line: str, drop: tuple[str, ...] = (), **fields: Any) -> str:
    record = {k: v for k, v in json.loads(line).items() if k not in drop}
    return json.dumps({**record, **fields}, ensure_ascii=False)


def bad_json_at_line_7(lines: Lines) -> int:
    lines[6] = lines[6][:-1]
    return 7
