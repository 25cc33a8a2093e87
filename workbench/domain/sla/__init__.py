"""SLA rules: business calendars, per-priority policies and the pure SLA clock.

Standard library only; `holidays_for_country` lazily imports the optional `holidays`
package. Instants are epoch milliseconds (UTC), durations business seconds.
"""

from workbench.domain.sla.calendar import (
    WEEKDAY_KEYS,
    BusinessCalendar,
    OpenInterval,
    holidays_for_country,
)
from workbench.domain.sla.clock import (
    ClockState,
    SlaEvent,
    SlaReport,
    SlaTicket,
    TargetClock,
    compute_sla,
    format_duration,
    next_deadline,
)
from workbench.domain.sla.policy import (
    DEFAULT_PAUSE_STATUSES,
    DEFAULT_POLICY,
    DEFAULT_WARNING_FRACTION,
    BreachAction,
    PriorityTargets,
    SlaPolicy,
    SlaTarget,
    default_policy,
)

__all__ = [
    "DEFAULT_PAUSE_STATUSES",
    "DEFAULT_POLICY",
    "DEFAULT_WARNING_FRACTION",
    "WEEKDAY_KEYS",
    "BreachAction",
    "BusinessCalendar",
    "ClockState",
    "OpenInterval",
    "PriorityTargets",
    "SlaEvent",
    "SlaPolicy",
    "SlaReport",
    "SlaTarget",
    "SlaTicket",
    "TargetClock",
    "compute_sla",
    "default_policy",
    "format_duration",
    "holidays_for_country",
    "next_deadline",
]
