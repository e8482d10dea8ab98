"""Dates as people read them: the one way a date answer is said, in the conversation and in the plan."""

from __future__ import annotations

import datetime as _dt
from typing import Any

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December")


def long_date(value: Any) -> str:
    """2026-11-25 as "25 November 2026"; anything that is not such a date unchanged."""
    try:
        day = _dt.date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"
