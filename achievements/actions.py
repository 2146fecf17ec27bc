"""What an actor may do now with an achievement (and its IP assets and attachments), a catalogue
edition (and its entries) or an import batch.

Each ``ActionSet`` (``core.actions``) joins the permissions of ``achievements.rules`` (who) with the
state rules of ``achievements.policies`` (when). Pages read ``.may()`` for their buttons, the API lists
``.allowed()`` on every object, and the services check the same permissions and states again when the
action is taken. Names are the API's action endpoints (``edit`` is ``PATCH``, ``delete`` and ``remove``
are ``DELETE``, an attachment's ``download`` is its ``GET``).

Checks ask ``rules.has_perm`` rather than ``user.has_perm``: the answer is the same (every rule lets
platform admins through), but it never falls through to Django's model backend, which loads a user's
model permissions (two queries) on an object-less check. The rules read the actor's cached roles and
the object's loaded columns, so a list costs no query per row.
"""

import rules

from achievements import policies
from achievements import rules as achievement_rules
from achievements.choices import AchievementStatus, CatalogueStatus, ImportStatus
from core.actions import ActionSet

# --- achievements -----------------------------------------------------------------------------


def _filer_may_move_to(target: str):
    def check(actor, achievement) -> bool:
        return policies.can_move(achievement.status, target) and rules.has_perm(
            "achievements.change_achievement", actor, achievement
        )

    return check


def _reviewer_may_move_to(target: str):
    def check(actor, achievement) -> bool:
        return (
            policies.can_move(achievement.status, target)
            and rules.has_perm("achievements.review_achievement", actor, achievement)
            and achievement_rules.review_refusal(actor, achievement) is None
        )

    return check


def _may_edit(actor, achievement) -> bool:
    return achievement.status in policies.EDITABLE_STATUSES and rules.has_perm(
        "achievements.change_achievement", actor, achievement
    )


def _may_publish(actor, achievement) -> bool:
    return policies.can_move(achievement.status, AchievementStatus.PUBLISHED) and rules.has_perm(
        "achievements.publish_achievement", actor, achievement
    )


def _may_list_on_market(actor, achievement) -> bool:
    # The market (a higher app) lists a published achievement; this only says the filer may ask it to.
    return achievement.status == AchievementStatus.PUBLISHED and rules.has_perm(
        "achievements.change_achievement", actor, achievement
    )


ACHIEVEMENT_ACTIONS = ActionSet(
    name="Achievement",
    checks={
        "edit": _may_edit,
        "submit": _filer_may_move_to(AchievementStatus.SUBMITTED),
        "approve": _reviewer_may_move_to(AchievementStatus.APPROVED),
        "return": _reviewer_may_move_to(AchievementStatus.RETURNED),
        "publish": _may_publish,
        "list_on_market": _may_list_on_market,
        "withdraw": _filer_may_move_to(AchievementStatus.WITHDRAWN),
    },
)


# --- IP assets and attachments of a filing -----------------------------------------------------
# They change with their filing: ``services.filings._editable_for`` lets the filer change them while
# the filing is a draft or returned. ``asset.achievement`` is loaded with them (the selectors join it,
# and a filing's own ``ip_assets`` and ``attachments`` know their filing), so no row costs a query.


def _may_edit_filing_of(actor, child) -> bool:
    return _may_edit(actor, child.achievement)


IP_ASSET_ACTIONS = ActionSet(
    name="IPAsset", checks={"edit": _may_edit_filing_of, "remove": _may_edit_filing_of}
)


def _may_download(actor, attachment) -> bool:
    """GET /attachments/{id}/: those who may read the filing's detail (its ``detail_visibility``)."""
    return rules.has_perm("achievements.view_achievement_detail", actor, attachment.achievement)


ATTACHMENT_ACTIONS = ActionSet(
    name="Attachment", checks={"download": _may_download, "remove": _may_edit_filing_of}
)


# --- dual-use catalogues ----------------------------------------------------------------------


def _manages_draft(actor, catalogue) -> bool:
    """A draft edition is changed by those who manage catalogues; a published one is frozen."""
    return catalogue.status == CatalogueStatus.DRAFT and rules.has_perm(
        "achievements.manage_catalogues", actor
    )


CATALOGUE_ACTIONS = ActionSet(
    name="Catalogue",
    checks={
        "edit": _manages_draft,
        "add_entry": _manages_draft,
        "remove_entry": _manages_draft,
        "publish": _manages_draft,
        "delete": _manages_draft,
    },
)


def _may_remove_entry(actor, entry) -> bool:
    """DELETE /catalogues/{id}/entries/{entry_id}/: a draft's entries, by those who manage catalogues.
    (The page reorders them too; the API has no such endpoint yet.)"""
    return _manages_draft(actor, entry.catalogue)


CATALOGUE_ENTRY_ACTIONS = ActionSet(name="CatalogueEntry", checks={"remove": _may_remove_entry})


# --- Excel import batches ---------------------------------------------------------------------


def _may_confirm(actor, batch) -> bool:
    return (
        batch.status == ImportStatus.VALIDATED
        and batch.valid_rows > 0
        and rules.has_perm("achievements.import_achievements", actor, batch.institution)
    )


IMPORT_BATCH_ACTIONS = ActionSet(name="ImportBatch", checks={"confirm": _may_confirm})
