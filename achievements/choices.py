"""Categories and statuses of research achievements (科技成果)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class AchievementStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    RETURNED = "returned", _("Returned for changes")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AchievementType(models.TextChoices):
    """成果类型 of the 科技成果登记 forms."""

    APPLIED = "applied", _("Applied technology")
    BASIC = "basic", _("Basic theory")
    SOFT_SCIENCE = "soft_science", _("Soft science")


class AchievementStage(models.TextChoices):
    """成果所处阶段."""

    EARLY = "early", _("Early stage")
    MIDDLE = "middle", _("Middle stage")
    MATURE = "mature", _("Mature")


class CooperationMode(models.TextChoices):
    """交易方式: how a technology changes hands (DOMAIN §9: 转让, 许可, 作价投资, 开发, 服务, 咨询). An
    achievement offers some (its cooperation modes); a listing, a deal and a demand on the market have one.
    """

    TRANSFER = "transfer", pgettext_lazy("cooperation mode", "Transfer")
    LICENCE_EXCLUSIVE = "licence_exclusive", _("Exclusive licence")
    LICENCE_SOLE = "licence_sole", _("Sole licence")
    LICENCE_ORDINARY = "licence_ordinary", _("Ordinary licence")
    INVESTMENT = "investment", _("Investment in kind (作价投资)")
    JOINT_DEVELOPMENT = "joint_development", _("Joint development")
    TECHNICAL_SERVICE = "technical_service", _("Technical service")
    TECHNICAL_CONSULTING = "technical_consulting", _("Technical consulting")


# The modes an achievement's filing may offer: every mode but consulting, which is offered on the market
# only (a listing without an achievement, a demand, a deal).
ACHIEVEMENT_COOPERATION_MODES = [
    (mode.value, mode.label) for mode in CooperationMode if mode != CooperationMode.TECHNICAL_CONSULTING
]


class OwnerKind(models.TextChoices):
    """Who owns a share of an achievement (权属人): an organisation with an account on the platform, an
    organisation without one (named, with its unified social credit code), or a person."""

    ORGANISATION = "organisation", _("Organisation on the platform")
    EXTERNAL_ORGANISATION = "external_organisation", _("Organisation not on the platform")
    PERSON = "person", _("Person")


class PriceType(models.TextChoices):
    FIXED = "fixed", _("Indicative price")
    NEGOTIABLE = "negotiable", _("Negotiable")


class DetailVisibility(models.TextChoices):
    PUBLIC = "public", _("Everyone")
    SIGNED_IN = "signed_in", _("Signed-in users")
    ENTERPRISE = "enterprise", _("Signed-in enterprise users")


class SecrecyStatus(models.TextChoices):
    """密级 of a dual-use achievement: only never-classified or declassified content may be published."""

    NEVER_CLASSIFIED = "never_classified", _("Never classified")
    DECLASSIFIED = "declassified", _("Declassified")
    CLASSIFIED = "classified", _("Classified")


class IPKind(models.TextChoices):
    INVENTION_PATENT = "invention_patent", _("Invention patent")
    UTILITY_MODEL = "utility_model", _("Utility model patent")
    DESIGN_PATENT = "design_patent", _("Design patent")
    SOFTWARE_COPYRIGHT = "software_copyright", _("Software copyright")
    TECHNICAL_SECRET = "technical_secret", _("Technical secret")
    PLANT_VARIETY = "plant_variety", _("Plant variety")
    IC_LAYOUT = "ic_layout", _("Integrated-circuit layout design")


PATENT_KINDS = (IPKind.INVENTION_PATENT, IPKind.UTILITY_MODEL, IPKind.DESIGN_PATENT)


class IPStatus(models.TextChoices):
    APPLIED = "applied", _("Applied")
    GRANTED = "granted", _("Granted / registered")
    LAPSED = "lapsed", _("Lapsed")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class CatalogueKind(models.TextChoices):
    """The two dual-use catalogues of plan clause （十二）."""

    MILITARY_TO_CIVIL = "military_to_civil", _("Military technology for civil use (军用技术转民用推广目录)")
    CIVIL_TO_MILITARY = "civil_to_military", _("Civil technology for defence (民参军技术与产品推荐目录)")


class CatalogueStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded")
    VALIDATING = "validating", _("Checking")
    VALIDATED = "validated", _("Checked, waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Failed")
