"""Clinic settings, read from the environment in this one place.

| variable             | meaning                                               |
|----------------------|-------------------------------------------------------|
| CLINIC_NAME          | the clinic or care team's name                        |
| CLINIC_PHONE         | the number patients should call                       |
| CLINIC_HOURS         | when that number is answered (optional)               |
| CLINIC_OUT_OF_HOURS  | what to do or whom to call out of hours (optional)    |
| CONTENT_REVIEWED_BY  | who at the clinic reviewed the texts (optional)       |
| CONTENT_REVIEWED_ON  | when they did (optional)                              |

Nothing is hard-coded: when the name or phone is unset the assistant says the
details have not been added yet and points to the appointment letter; without
an out-of-hours line it says none; without a reviewer and date it says the
clinic has not reviewed the texts yet. (EMERGENCY_NUMBER is read where every
answer is said, channels/nlg.py.)
"""
import os
from dataclasses import dataclass
from typing import Mapping, Optional

import settings


@dataclass(frozen=True)
class ClinicContact:
    name: str
    phone: str
    hours: str


@dataclass(frozen=True)
class ContentReview:
    reviewed_by: str
    reviewed_on: str


def _setting(environ: Mapping[str, str], key: str) -> str:
    return settings.value(key, environ)


def clinic_contact(environ: Optional[Mapping[str, str]] = None) -> Optional[ClinicContact]:
    """The clinic's contact details, or None when they are not configured."""
    environ = os.environ if environ is None else environ
    name, phone = _setting(environ, "CLINIC_NAME"), _setting(environ, "CLINIC_PHONE")
    if not name or not phone:
        return None
    return ClinicContact(name=name, phone=phone, hours=_setting(environ, "CLINIC_HOURS"))


def out_of_hours(environ: Optional[Mapping[str, str]] = None) -> str:
    """What to do or whom to call out of hours, or "" when the clinic has not said."""
    return _setting(os.environ if environ is None else environ, "CLINIC_OUT_OF_HOURS")


def content_review(environ: Optional[Mapping[str, str]] = None) -> Optional[ContentReview]:
    """Who at the clinic reviewed the texts and when, or None unless both are configured."""
    environ = os.environ if environ is None else environ
    reviewed_by, reviewed_on = _setting(environ, "CONTENT_REVIEWED_BY"), _setting(environ, "CONTENT_REVIEWED_ON")
    if not reviewed_by or not reviewed_on:
        return None
    return ContentReview(reviewed_by=reviewed_by, reviewed_on=reviewed_on)
