"""Celery tasks of contract registration: thin, call one service per contract, safe to run twice.

The beat entry ``market-flag-overdue-registrations`` runs ``contract_flag_overdue_task`` hourly; each
contract is reminded about once (``overdue_notified_at`` is the state predicate).
"""

from celery import shared_task

from market.services import contracts as contract_services


@shared_task(acks_late=True)
def contract_flag_overdue_task() -> int:
    """Reminds the registrars of every submitted contract past its decision date; returns how many."""
    return sum(
        contract_services.contract_flag_overdue(contract_pk=pk)
        for pk in contract_services.overdue_contract_pks()
    )
