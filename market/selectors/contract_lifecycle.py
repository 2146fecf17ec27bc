"""Reads on a registered contract's life after registration: its corrections, income certifications,
second check, cancellation and certificates (joined once for a page or a list), the registrars'
second-check queue, and the public verification of a certificate's code."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from institutions.roles import actor_roles
from market.choices import ContractStatus, PartyKind
from market.models import (
    ContractAmendment,
    ContractRegistration,
    IncomeCertification,
    RegistrationCertificate,
)
from market.models.registration_lifecycle import SecondCheckStatus

VALID, ALTERED, CANCELLED, UNKNOWN = "valid", "altered", "cancelled", "unknown"


def with_lifecycle(queryset: QuerySet[ContractRegistration]) -> QuerySet[ContractRegistration]:
    """Joins what the contract's page and serializer show of its life after registration: two joins
    and three prefetch queries, whatever the number of rows."""
    return queryset.select_related("second_check__checked_by", "cancellation__cancelled_by").prefetch_related(
        Prefetch(
            "amendments",
            queryset=ContractAmendment.objects.select_related("registrar").order_by("-created_at", "-pk"),
        ),
        Prefetch(
            "income_certifications",
            queryset=IncomeCertification.objects.select_related("certified_by").order_by("year"),
        ),
        Prefetch(
            "certificates",
            queryset=RegistrationCertificate.objects.filter(superseded_at__isnull=True),
            to_attr="current_certificates",
        ),
    )


def second_check_of(contract: ContractRegistration):
    """The contract's second check, or ``None`` (reads the join of ``with_lifecycle``)."""
    return getattr(contract, "second_check", None)


def cancellation_of(contract: ContractRegistration):
    return getattr(contract, "cancellation", None)


def current_certificate(contract: ContractRegistration) -> RegistrationCertificate | None:
    """The certificate in force (the prefetched one when ``with_lifecycle`` joined it)."""
    if hasattr(contract, "current_certificates"):
        return contract.current_certificates[0] if contract.current_certificates else None
    return RegistrationCertificate.objects.filter(contract=contract, superseded_at__isnull=True).first()


def second_check_queue(*, actor) -> QuerySet[ContractRegistration]:
    """Registered contracts of the actor's bodies waiting for a second check (复核) that the actor may
    make: not those the actor registered."""
    roles = actor_roles(actor)
    queryset = ContractRegistration.objects.filter(
        status=ContractStatus.REGISTERED, second_check__status=SecondCheckStatus.PENDING
    )
    if not roles.is_platform_admin:
        queryset = queryset.filter(registration_body_id__in=roles.registrar_of)
    return (
        queryset.exclude(registrar_id=actor.pk)
        .select_related("second_check", "registration_body")
        .order_by("second_check__created_at", "pk")
    )


# Certificates ----------------------------------------------------------------


def _money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


def _day(value) -> str | None:
    return None if value is None else value.isoformat()


def certificate_snapshot(contract: ContractRegistration) -> dict:
    """What a certificate prints, as text: kept with each issue so that a printed copy can be compared
    with the registration as it stands."""
    return {
        "registration_number": contract.registration_number,
        "number_source": contract.number_source,
        "national_number": contract.national_number,
        "project_name": contract.project_name,
        "contract_category": contract.contract_category,
        "sub_type": contract.sub_type,
        "licence_scope": contract.licence_scope,
        "seller_kind": contract.seller_kind,
        "seller_name": contract.seller_name,
        "seller_name_original": contract.seller_name_original,
        "seller_credit_code": contract.seller_credit_code,
        "buyer_kind": contract.buyer_kind,
        "buyer_name": contract.buyer_name,
        "buyer_name_original": contract.buyer_name_original,
        "buyer_credit_code": contract.buyer_credit_code,
        "signed_on": _day(contract.signed_on),
        "valid_from": _day(contract.valid_from),
        "valid_until": _day(contract.valid_until),
        "contract_amount": _money(contract.contract_amount),
        "non_technical_amount": _money(contract.non_technical_amount),
        "technical_amount": _money(contract.technical_amount),
        "registered_on": _day(timezone.localdate(contract.registered_at) if contract.registered_at else None),
        "registration_body": contract.registration_body.name if contract.registration_body_id else "",
    }


def mask_person(name: str) -> str:
    """A natural person's name as the public may see it: the first character, the rest starred."""
    name = (name or "").strip()
    return name[:1] + "*" * max(len(name) - 1, 1) if name else ""


def public_view(snapshot: dict) -> dict:
    """What the verification page shows of a certificate's snapshot: natural persons masked, no
    credit codes nor identity numbers."""
    shown = {
        key: snapshot.get(key)
        for key in (
            "registration_number",
            "number_source",
            "national_number",
            "project_name",
            "contract_category",
            "sub_type",
            "contract_amount",
            "technical_amount",
            "registered_on",
            "registration_body",
        )
    }
    for side in ("seller", "buyer"):
        name = snapshot.get(f"{side}_name") or ""
        shown[f"{side}_name"] = (
            mask_person(name) if snapshot.get(f"{side}_kind") == PartyKind.PERSON else name
        )
    return shown


@dataclass
class Verification:
    outcome: str
    code: str = ""
    certificate: RegistrationCertificate | None = None
    contract: ContractRegistration | None = None
    printed: dict = field(default_factory=dict)  # what the certificate held prints (public view)
    current: dict = field(default_factory=dict)  # the registration as it stands (public view)


def certificate_verification(code: str) -> Verification:
    """Checks a certificate's verification code: ``valid`` (the registration stands as printed),
    ``altered`` (a correction superseded this certificate: it no longer matches), ``cancelled`` (the
    registration was cancelled, 注销) or ``unknown``. ``code`` is in stored form (possibly empty)."""
    if not code:
        return Verification(UNKNOWN)
    certificate = (
        RegistrationCertificate.objects.select_related(
            "contract__registration_body", "contract__cancellation"
        )
        .filter(code=code)
        .first()
    )
    if certificate is None:
        return Verification(UNKNOWN, code=code)
    contract = certificate.contract
    printed = public_view(certificate.snapshot)
    current = public_view(certificate_snapshot(contract))
    if contract.status == ContractStatus.CANCELLED:
        outcome = CANCELLED
    elif certificate.superseded_at is not None:
        outcome = ALTERED
    else:
        outcome = VALID
    return Verification(outcome, code, certificate, contract, printed, current)


def certificate_for_download(*, contract: ContractRegistration) -> RegistrationCertificate:
    certificate = current_certificate(contract)
    if certificate is None:
        raise Http404
    return certificate
