"""Files the demo achievements of ``demo.specs.achievements`` through the real services, after the
demo institutions, and publishes the first editions of the two dual-use catalogues.

Each achievement is created as a draft (with owners, contributors and IP assets), submitted, and
approved by an official whose jurisdiction covers the filing institution, so that filing numbers,
search vectors, the audit trail and the review queues are what the platform itself produces. Each is
keyed by ``import_key``: a second run creates nothing.
"""

import random
from collections import Counter
from collections.abc import Callable
from decimal import Decimal

import pghistory
from django.db import transaction
from django.urls import reverse
from django.utils.translation import ngettext

from accounts import services as account_services
from accounts.models import User
from achievements.choices import CatalogueKind
from achievements.models import Achievement, DualUseCatalogue
from achievements.services import catalogues
from achievements.services import filings as services
from demo.specs.achievements import (
    DEMO_FILERS,
    IMPORT_KEY_PREFIX,
    RESUBMISSION_NOTE,
    REVIEWERS,
    SEED,
    AchievementSpec,
    achievement_specs,
    person_name,
)
from institutions.choices import ClassificationScheme, MembershipRole
from institutions.models import Classification, Membership, Organisation
from notifications.models import Notification

AUDIT_SOURCE = "seed_demo"
COUNT_LABELS: dict[str, Callable[[int], str]] = {
    "catalogues published": lambda n: ngettext(
        "%(count)d dual-use catalogue published", "%(count)d dual-use catalogues published", n
    ),
    "achievements created": lambda n: ngettext(
        "%(count)d achievement created", "%(count)d achievements created", n
    ),
}


class AchievementLoader:
    """Files the missing demo achievements through the services; remembers what it did."""

    def __init__(self, *, organisations: dict[str, Organisation], users: dict[str, User]):
        self.organisations = organisations
        self.users = users
        self.counts: Counter[str] = Counter()
        self.created: list[Achievement] = []
        self._filers: dict[str, User] = {}

    def run(self) -> None:
        specs = achievement_specs()
        existing = set(
            Achievement.objects.filter(import_key__in=[spec.import_key for spec in specs]).values_list(
                "import_key", flat=True
            )
        )
        missing = [spec for spec in specs if spec.import_key not in existing]
        if not missing:
            return
        self._classifications = {
            (entry.scheme, entry.code): entry
            for entry in Classification.objects.filter(
                scheme__in=(
                    ClassificationScheme.TECHNOLOGY_FIELD,
                    ClassificationScheme.INDUSTRY,
                    ClassificationScheme.STRATEGIC_INDUSTRY,
                ),
                is_current=True,
            )
        }
        for spec in missing:
            # One transaction per achievement: the services' own atomic blocks become a handful of
            # savepoints each, where one transaction around everything would pile up thousands of
            # subtransactions and slow every query (PostgreSQL caches only 64 per backend).
            with transaction.atomic():
                achievement = self._file(spec)
                self._forget_notifications(achievement)
            self.created.append(achievement)
            self.counts["achievements created"] += 1

    def _file(self, spec: AchievementSpec) -> Achievement:
        institution = self.organisations[spec.filer]
        filer = self._filer(spec.filer)
        data = dict(spec.data)
        data["technology_field"] = self._classifications[
            (ClassificationScheme.TECHNOLOGY_FIELD, data["technology_field"])
        ]
        data["industry"] = self._classifications[(ClassificationScheme.INDUSTRY, data["industry"])]
        data["strategic_industry"] = self._classifications[
            (ClassificationScheme.STRATEGIC_INDUSTRY, data["strategic_industry"])
        ]
        owners = [services.OwnerShare(self.organisations[key], Decimal(share)) for key, share in spec.owners]
        affiliation = self.organisations[spec.owners[0][0]].name
        contributors = [
            services.Contributor(name=name, affiliation=affiliation, share_percent=Decimal(share))
            for name, share in spec.contributors
        ]
        achievement = services.achievement_create(
            actor=filer,
            institution=institution,
            data=data,
            owners=owners,
            contributors=contributors,
            import_key=spec.import_key,
        )
        for asset in spec.ip_assets:
            services.ip_asset_add(
                actor=filer,
                achievement=achievement,
                data={
                    "kind": asset.kind,
                    "number": asset.number,
                    "title": asset.title,
                    "status": asset.status,
                    "granted_on": asset.granted_on,
                },
            )
        if spec.outcome == "draft":
            return achievement
        reviewer = self._reviewer(institution)
        achievement = services.achievement_submit(actor=filer, achievement=achievement)
        if spec.outcome in ("returned", "resubmitted"):
            achievement = services.achievement_return(
                actor=reviewer, achievement=achievement, reason=spec.return_reason
            )
            if spec.outcome == "returned":
                return achievement
            achievement = services.achievement_update(
                actor=filer, achievement=achievement, data={"detail": data["detail"] + RESUBMISSION_NOTE}
            )
            return services.achievement_submit(actor=filer, achievement=achievement)
        if spec.outcome == "submitted":
            return achievement
        return services.achievement_approve(actor=reviewer, achievement=achievement)

    def _reviewer(self, institution: Organisation) -> User:
        for prefix, username in REVIEWERS:
            if institution.region_id.startswith(prefix):
                return self.users[username]
        raise LookupError(institution.region_id)

    def _filer(self, organisation_key: str) -> User:
        """The staff member who files for the institution: a demo login, or a quiet account made for it."""
        if organisation_key in self._filers:
            return self._filers[organisation_key]
        if organisation_key in DEMO_FILERS:
            user = self.users[DEMO_FILERS[organisation_key]]
        else:
            username = "filer-" + organisation_key.replace("_", "-")
            user = User.objects.filter(username=username).first()
            if user is None:
                rng = random.Random(f"{SEED}:filer:{organisation_key}")
                user = account_services.user_create(
                    username=username, password=None, full_name=person_name(rng)
                )
                self.counts["users created"] += 1
            self._ensure_staff(user, self.organisations[organisation_key])
        self._filers[organisation_key] = user
        return user

    def _ensure_staff(self, user: User, organisation: Organisation) -> None:
        membership = Membership.objects.filter(user=user, organisation=organisation).first()
        if membership is None:
            membership = Membership(user=user, organisation=organisation, role=MembershipRole.STAFF)
            self.counts["memberships created"] += 1
        elif membership.role != MembershipRole.STAFF or not membership.is_active:
            membership.role, membership.is_active = MembershipRole.STAFF, True
            self.counts["memberships restored"] += 1
        else:
            return
        membership.full_clean()
        membership.save()

    def _forget_notifications(self, achievement: Achievement) -> None:
        """The workflow notified the officials and filers of every step; for demo data that is noise in
        their inboxes. Deleted before the commit, the e-mails queued on commit find nothing to send."""
        Notification.objects.filter(url=reverse("achievements:detail", args=[achievement.pk])).delete()


def load(*, organisations: dict[str, Organisation], users: dict[str, User]) -> AchievementLoader:
    """Files the missing demo achievements, each in its own transaction, audited as ``seed_demo``.

    Interrupted, it leaves whole achievements behind, and the next run files the rest.
    """
    loader = AchievementLoader(organisations=organisations, users=users)
    with pghistory.context(source=AUDIT_SOURCE):
        loader.run()
        with transaction.atomic():
            published = publish_catalogues(editor=users["province"])
        if published:
            loader.counts["catalogues published"] += published
    return loader


# The first editions of the two dual-use catalogues (plan clause （十二）), each gathering published dual-use
# achievements; military-origin results (中物院, 绵阳) go to 军转民, the others to 民参军.
DEMO_CATALOGUES = (
    (
        CatalogueKind.MILITARY_TO_CIVIL,
        "四川省军用技术转民用推广目录",
        "为推动军用技术向民用领域转移转化，现发布本批推广目录，欢迎企业对接。",
        True,
    ),
    (
        CatalogueKind.CIVIL_TO_MILITARY,
        "四川省“民参军”技术与产品推荐目录",
        "为支持民口单位参与国防科技创新，现发布本批推荐目录。",
        False,
    ),
)
DEMO_CATALOGUE_EDITION = "2026年第一批"


def publish_catalogues(*, editor: User) -> int:
    """Publishes each demo catalogue edition once; returns how many were published now."""
    published = 0
    dual_use = list(
        Achievement.objects.published()
        .filter(is_dual_use=True, import_key__startswith=IMPORT_KEY_PREFIX)
        .select_related("region")
        .order_by("filing_number")
    )
    for kind, title, introduction, military_origin in DEMO_CATALOGUES:
        if DualUseCatalogue.objects.filter(kind=kind, edition=DEMO_CATALOGUE_EDITION).exists():
            continue
        chosen = [a for a in dual_use if a.region_id.startswith("5107") == military_origin][:8]
        if not chosen:
            continue
        catalogue = catalogues.catalogue_create(
            actor=editor, kind=kind, title=title, edition=DEMO_CATALOGUE_EDITION, introduction=introduction
        )
        for achievement in chosen:
            catalogues.catalogue_add_entry(actor=editor, catalogue=catalogue, achievement=achievement)
        catalogues.catalogue_publish(actor=editor, catalogue=catalogue)
        # As for the achievements: the demo inboxes start empty, and no e-mail goes out on commit.
        Notification.objects.filter(verb="catalogue.published", url__endswith=f"/{catalogue.pk}/").delete()
        published += 1
    return published
