"""Agents and teams: who works here, in which role, and who is acting now."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from workbench.domain.enums import Role
from workbench.domain.validation import clean_email, clean_line
from workbench.services.dto import AgentInfo
from workbench.services.errors import NotFound, ValidationError
from workbench.store.changelog import load_state, save_state
from workbench.store.models import Agent, Team

if TYPE_CHECKING:
    from workbench.services.context import Workbench

LOCAL_AGENT_KEY = "local_agent_id"


def agent_info(a: Agent) -> AgentInfo:
    return AgentInfo(a.id, a.name, a.email, a.role, a.team_id, a.active)


class AgentService:
    def __init__(self, wb: Workbench) -> None:
        self.wb = wb

    def create_team(self, name: str, time_zone: str = "UTC") -> str:
        try:
            name = clean_line(name, "the team name")
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        with self.wb.write() as w:
            team = w.insert(Team(name=name, time_zone=time_zone, created_at=w.now_ms))
            return team.id

    def create(
        self, name: str, email: str, role: str = "agent", team_id: str | None = None
    ) -> AgentInfo:
        try:
            name = clean_line(name, "the agent's name")
            email = clean_email(email)
            role = Role(role).value
        except ValueError as exc:
            raise ValidationError(str(exc)) from exc
        with self.wb.write() as w:
            if w.session.scalar(select(Agent.id).where(Agent.email == email)):
                raise ValidationError(f"an agent with e-mail {email} already exists")
            if team_id is None:
                team_id = w.session.scalar(select(Team.id).order_by(Team.created_at).limit(1))
            agent = w.insert(
                Agent(name=name, email=email, role=role, team_id=team_id, created_at=w.now_ms)
            )
            return agent_info(agent)

    def list(self, include_inactive: bool = False) -> list[AgentInfo]:
        with self.wb.read() as s:
            q = select(Agent).order_by(Agent.name)
            if not include_inactive:
                q = q.where(Agent.active.is_(True))
            return [agent_info(a) for a in s.scalars(q)]

    def get(self, ref: str) -> AgentInfo:
        """An agent by id, e-mail or (case-insensitive, unique) name."""
        with self.wb.read() as s:
            found = list(
                s.scalars(
                    select(Agent).where(
                        or_(
                            Agent.id == ref,
                            Agent.email == ref.strip().lower(),
                            func.lower(Agent.name) == ref.strip().lower(),
                        )
                    )
                )
            )
        if not found:
            raise NotFound(f"no agent called {ref!r}")
        if len(found) > 1:
            raise ValidationError(f"{ref!r} names several agents; use the e-mail instead")
        return agent_info(found[0])

    def team_name(self, team_id: str | None) -> str | None:
        if team_id is None:
            return None
        with self.wb.read() as s:
            return s.scalar(select(Team.name).where(Team.id == team_id))

    def local_agent(self) -> AgentInfo | None:
        """The agent this workstation acts as when nobody signed in (first agent by default)."""
        with self.wb.read() as s:
            agent_id = load_state(s, LOCAL_AGENT_KEY)
            a = s.get(Agent, agent_id) if agent_id else None
            if a is None:
                a = s.scalar(select(Agent).where(Agent.active.is_(True)).order_by(Agent.created_at))
            return agent_info(a) if a else None

    def set_local_agent(self, agent_id: str) -> None:
        with self.wb.db.session() as s:
            if s.get(Agent, agent_id) is None:
                raise NotFound(f"no agent with id {agent_id}")
            save_state(s, LOCAL_AGENT_KEY, agent_id)
