"""People and what they did, as SQLAlchemy models (migration 0011_accounts).

``Account``: a person who signs in, with one role (``workbench.accounts.policy.Role``) and
a password kept only as a salted hash (Werkzeug's scrypt). ``Activity``: one change made
through the web (an edit, a decision, an import), with who made it; the set it touched is
kept when the address names one, so a set's activity can be listed.
"""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from workbench.models import Base, utcnow


class Account(UserMixin, Base):
    """A person with a name, a role and a password."""

    __tablename__ = "account"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot sign in
        return self.active

    def get_id(self) -> str:
        """What the session keeps: the id and a stamp of the password, so that a new
        password signs the account out everywhere (``workbench.accounts.web._load``)."""
        return f"{self.id}:{self.session_stamp()}"

    def session_stamp(self) -> str:
        import hashlib

        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


class Activity(Base):
    """A change made through the web, and who made it."""

    __tablename__ = "activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    account: Mapped[str] = mapped_column(String(80), index=True)  # the name, kept after removal
    role: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(10))
    endpoint: Mapped[str] = mapped_column(String(120))
    path: Mapped[str] = mapped_column(String(500))
    # no foreign key: the log outlives the set (its deletion is logged too)
    set_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    status: Mapped[int] = mapped_column(Integer)
