"""The accounts' background job: forgetting sign-ins nobody can use any more."""
from __future__ import annotations

from huey import crontab

from ..jobs import periodic_job
from .browser_sessions import purge_spent_sign_ins


@periodic_job("accounts.purge_spent_sign_ins", crontab(hour="3", minute="7"))
def purge_spent_sign_ins_task() -> None:
    purge_spent_sign_ins()
