"""Reading an e-mail pasted into the new-ticket dialog: sender, subject and body.

Agents paste what their mail client copies: a few header lines ("From:", "Sent:", "To:",
"Subject:") then a blank line and the message, or a raw message with full headers. The
standard library's parser reads both; anything that does not start with a ``From:`` or
``Subject:`` header is not treated as an e-mail (a plain description stays as it is).
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass
from email.utils import parseaddr

_HEADER = re.compile(r"^(from|subject|sent|date|to|cc|reply-to)\s*:", re.IGNORECASE)
MAX_HEADER_LINES = 40


@dataclass(frozen=True)
class PastedEmail:
    sender_name: str
    sender_email: str
    subject: str
    body: str


def looks_like_email(text: str) -> bool:
    """True when *text* opens with mail headers that name a sender or a subject."""
    head = text.lstrip()[:4000].splitlines()[:MAX_HEADER_LINES]
    names = [m.group(1).lower() for line in head if (m := _HEADER.match(line))]
    return bool({"from", "subject"} & set(names))


def parse_pasted_email(text: str) -> PastedEmail | None:
    """Sender, subject and body of a pasted e-mail; None when *text* is not one."""
    if not looks_like_email(text):
        return None
    message = email.message_from_string(text.lstrip().replace("\r\n", "\n"),
                                        policy=email.policy.default)
    name, address = parseaddr(str(message.get("From", "")))
    subject = " ".join(str(message.get("Subject", "")).split())
    body_part = message.get_body(preferencelist=("plain",)) if message.is_multipart() else None
    if body_part is not None:
        body = str(body_part.get_content())
    else:
        payload = message.get_payload()
        body = payload if isinstance(payload, str) else ""
    return PastedEmail(name.strip(), address.strip().lower(), subject, body.strip("\n"))
