"""Everything the ticket view shows, read in one op on the worker thread.

:func:`load_ticket` returns a :class:`TicketBundle`: the ticket with its events
(``wb.tickets.get``), the agents (for names and the assignee list), the SLA report with the
policy and calendar it was computed on (``wb.sla.report_of`` / ``wb.sla.active``) and the
customer's profile (``wb.customers.get``). Reading it together keeps the window consistent:
the fields, the thread and the clocks always describe the same moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from workbench.domain.sla import BusinessCalendar, SlaPolicy, SlaReport
from workbench.services.dto import AgentInfo, CustomerInfo, TicketDetail

if TYPE_CHECKING:
    from workbench.services.context import Workbench


@dataclass(frozen=True)
class TicketBundle:
    detail: TicketDetail
    agents: list[AgentInfo]
    report: SlaReport
    policy: SlaPolicy
    calendar: BusinessCalendar
    customer: CustomerInfo
    can_log_calls: bool  # a call service is wired into the workbench
    # What to know before writing to the customer (do-not-e-mail, contact hours...).
    contact_warnings: list[str]


def load_ticket(ticket_id: str) -> Callable[[Workbench], TicketBundle]:
    """The op that reads everything the ticket view shows about *ticket_id*."""

    def run(wb: Workbench) -> TicketBundle:
        detail = wb.tickets.get(ticket_id)
        policy, calendar = wb.sla.active()
        return TicketBundle(
            detail=detail,
            agents=wb.agents.list(include_inactive=True),
            report=wb.sla.report_of(detail),
            policy=policy,
            calendar=calendar,
            customer=wb.customers.get(detail.ticket.customer_id),
            can_log_calls=hasattr(wb, "calls"),
            contact_warnings=wb.calls.contact_warnings(detail.ticket.customer_id,
                                                       detail.ticket.channel),
        )

    return run
