"""A canned answer greets a customer by the given name, whatever order the name is in."""

from __future__ import annotations

import pytest

from workbench.services.context import Workbench
from workbench.services.kb import KbService


@pytest.mark.parametrize(
    ("name", "language", "greeting"),
    [
        ("សុខ ចាន់ថា", "km", "ជំរាបសួរ ចាន់ថា"),  # Khmer: family name first
        ("آرش کریمی", "fa", "ជំរាបសួរ آرش"),
        ("Արամ Պետրոսյան", "hy", "ជំរាបសួរ Արամ"),
        ("Ana Lima", "pt", "ជំរាបសួរ Ana"),
        ("Nagy Péter", "hu", "ជំរាបសួរ Péter"),  # Hungarian: family name first
    ],
)
def test_first_name_placeholder_is_the_given_name(
    wb: Workbench, team: dict[str, str], name: str, language: str, greeting: str
) -> None:
    customer = wb.customers.create(name, f"c{len(name)}{language}@example.org", language=language)
    ticket = wb.tickets.create("Login", customer.id)
    kb = KbService(wb)
    article = kb.create("Greeting", "ជំរាបសួរ {customer.first_name|លោកអ្នក}")
    assert kb.render_for_ticket(article.id, ticket.key, team["agent"]).text.strip() == greeting
