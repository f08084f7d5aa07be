"""Clinic settings, read from the environment in this one place.

| variable      | meaning                                    |
|---------------|--------------------------------------------|
| CLINIC_NAME   | the clinic or care team's name             |
| CLINIC_PHONE  | the number patients should call            |
| CLINIC_HOURS  | when that number is answered (optional)    |

Nothing is hard-coded: when the name or phone is unset the assistant says the
details have not been added yet and points to the appointment letter.
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


def _setting(environ: Mapping[str, str], key: str) -> str:
    return settings.value(key, environ)


def clinic_contact(environ: Optional[Mapping[str, str]] = None) -> Optional[ClinicContact]:
    """The clinic's contact details, or None when they are not configured."""
    environ = os.environ if environ is None else environ
    name, phone = _setting(environ, "CLINIC_NAME"), _setting(environ, "CLINIC_PHONE")
    if not name or not phone:
        return None
    return ClinicContact(name=name, phone=phone, hours=_setting(environ, "CLINIC_HOURS"))
