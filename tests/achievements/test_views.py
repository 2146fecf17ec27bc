"""Achievement pages: every page for every role, the permission matrix of every write page, drafts kept
from those who may not see them, the step-by-step filing form, the duplicate warning, the return-and-
resubmit flow, search, and a public list whose query count does not grow with the rows."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from achievements.choices import AchievementStatus, CooperationMode, DetailVisibility, IPKind
from achievements.models import Achievement, Attachment, IPAsset
from achievements.services import filings as services
from core import limits
from institutions.choices import ClassificationScheme, OrganisationKind
from notifications.models import Notification
from tests import factories
from tests.achievements.factories import classification, draft, filing_data, published

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
PATENT = "ZL202310123456.6"
ROLES = [
    "platform_admin",
    "province_official",
    "chengdu_official",
    "mianyang_official",
    "chengdu_admin",
    "chengdu_staff",
    "mianyang_staff",
    "enterprise_user",
]


def client_for(user=None) -> Client:
    """A browser that chose English (so messages can be compared), signed in as ``user``."""
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    if user is not None:
        client.force_login(user)
    return client


def redirects_to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(f"{LOGIN_URL}?next=")


def template_names(response) -> list[str]:
    return [template.name for template in response.templates]


def listed_titles(response) -> list[str]:
    return [achievement.title for achievement in response.context["page_obj"].object_list]


def status_of(achievement: Achievement) -> str:
    return Achievement.objects.values_list("status", flat=True).get(pk=achievement.pk)


@pytest.fixture
def mianyang_staff(mianyang_institution):
    return factories.staff_of(mianyang_institution, username="mianyang-staff")


@pytest.fixture
def enterprise_user(db):
    enterprise = factories.OrganisationFactory(
        name="成都新材料科技有限公司", kind=OrganisationKind.ENTERPRISE
    )
    return factories.staff_of(enterprise, username="enterprise-user")


@pytest.fixture
def draft_filing(chengdu_staff, chengdu_institution) -> Achievement:
    return draft(chengdu_staff, chengdu_institution, title="草稿：高温超导带材连续制备工艺")


@pytest.fixture
def submitted_filing(chengdu_staff, chengdu_institution) -> Achievement:
    achievement = draft(chengdu_staff, chengdu_institution, title="待审：农业无人机精准施药系统")
    return services.achievement_submit(actor=chengdu_staff, achievement=achievement)


@pytest.fixture
def published_filing(chengdu_staff, chengdu_official, chengdu_institution) -> Achievement:
    achievement = draft(chengdu_staff, chengdu_institution)
    services.ip_asset_add(
        actor=chengdu_staff, achievement=achievement, data={"kind": IPKind.INVENTION_PATENT, "number": PATENT}
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    return services.achievement_approve(actor=chengdu_official, achievement=achievement)


def pdf_upload(name: str = "检测报告.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.7\n%test report\n", content_type="application/pdf")


# --- every page renders ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/achievements/",
        "/achievements/?q=石墨烯电池&field=03&trl_min=4&trl_max=9&city=510100&county=510104"
        "&cooperation_mode=transfer&ip_kind=invention_patent&catalogue=military_to_civil&dual_use=on&sort=trl",
        "/achievements/?page=9&trl_min=nine&city=999999",
    ],
)
def test_the_public_database_renders_for_a_visitor(url, published_filing):
    response = client_for().get(url)

    assert response.status_code == 200
    assert "achievements/list.html" in template_names(response)


def test_a_published_achievement_renders_for_a_visitor(published_filing):
    response = client_for().get(f"/achievements/{published_filing.pk}/")

    assert response.status_code == 200
    content = response.content.decode()
    assert published_filing.title in content
    assert published_filing.filing_number in content
    assert PATENT in content


@pytest.mark.parametrize("role", ROLES)
def test_public_pages_render_for_every_role(request, role, published_filing):
    client = client_for(request.getfixturevalue(role))

    assert client.get("/achievements/").status_code == 200
    assert client.get(f"/achievements/{published_filing.pk}/").status_code == 200
    assert client.get("/").status_code == 200
    assert client.get("/notifications/").status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_my_filings_renders_for_every_signed_in_role(request, role, draft_filing):
    response = client_for(request.getfixturevalue(role)).get("/achievements/mine/")

    assert response.status_code == 200
    # a platform admin sees every filing but works for no institution, so has none of their own
    expected = [draft_filing.title] if role in ("chengdu_admin", "chengdu_staff") else []
    assert listed_titles(response) == expected


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("platform_admin", 200),
        ("province_official", 200),
        ("chengdu_official", 200),
        ("mianyang_official", 200),
        ("chengdu_admin", 403),
        ("chengdu_staff", 403),
        ("mianyang_staff", 403),
        ("enterprise_user", 403),
    ],
)
def test_the_review_queue_opens_for_officials_and_platform_admins(request, role, status, submitted_filing):
    assert client_for(request.getfixturevalue(role)).get("/achievements/review/").status_code == status


@pytest.mark.parametrize(
    "url", ["/achievements/mine/", "/achievements/review/", "/achievements/new/", "/notifications/"]
)
def test_signed_in_pages_send_a_visitor_to_sign_in(url):
    assert redirects_to_login(client_for().get(url))


# --- drafts stay with their institution ----------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (None, 404),
        ("mianyang_staff", 404),
        ("enterprise_user", 404),
        ("chengdu_official", 404),
        ("province_official", 404),
        ("mianyang_official", 404),
        ("chengdu_staff", 200),
        ("chengdu_admin", 200),
        ("platform_admin", 200),
    ],
)
def test_a_draft_is_seen_only_by_its_institution(request, role, status, draft_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).get(f"/achievements/{draft_filing.pk}/")

    assert response.status_code == status


@pytest.mark.parametrize("role", [None, "mianyang_staff", "chengdu_official", "mianyang_official"])
def test_drafts_are_in_no_list_of_others(request, role, draft_filing, published_filing):
    user = request.getfixturevalue(role) if role else None
    client = client_for(user)

    assert listed_titles(client.get("/achievements/")) == [published_filing.title]
    if role and "official" in role:
        assert listed_titles(client.get("/achievements/review/")) == []


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("chengdu_official", 200),
        ("province_official", 200),
        ("mianyang_official", 404),
        ("mianyang_staff", 404),
    ],
)
def test_a_submitted_filing_is_seen_by_officials_over_it(request, role, status, submitted_filing):
    response = client_for(request.getfixturevalue(role)).get(f"/achievements/{submitted_filing.pk}/")

    assert response.status_code == status


def test_the_review_queue_lists_the_jurisdictions_submissions_oldest_first(
    chengdu_staff, chengdu_institution, chengdu_official, mianyang_official
):
    first = services.achievement_submit(
        actor=chengdu_staff,
        achievement=draft(chengdu_staff, chengdu_institution, title="第一份：智能电网故障诊断"),
    )
    second = services.achievement_submit(
        actor=chengdu_staff,
        achievement=draft(chengdu_staff, chengdu_institution, title="第二份：水稻抗病育种"),
    )

    assert listed_titles(client_for(chengdu_official).get("/achievements/review/")) == [
        first.title,
        second.title,
    ]
    assert listed_titles(client_for(mianyang_official).get("/achievements/review/")) == []


def test_the_review_queue_badge_counts_the_waiting_filings(
    chengdu_official, mianyang_official, submitted_filing
):
    content = client_for(chengdu_official).get("/").content.decode()
    assert 'data-review-count="1"' in content

    content = client_for(mianyang_official).get("/").content.decode()
    assert "data-review-count" not in content


# --- the detail and who may read it ------------------------------------------------------------


@pytest.mark.parametrize(
    ("visibility", "role", "readable"),
    [
        (DetailVisibility.PUBLIC, None, True),
        (DetailVisibility.SIGNED_IN, None, False),
        (DetailVisibility.SIGNED_IN, "mianyang_staff", True),
        (DetailVisibility.ENTERPRISE, None, False),
        (DetailVisibility.ENTERPRISE, "mianyang_staff", False),
        (DetailVisibility.ENTERPRISE, "enterprise_user", True),
        (DetailVisibility.ENTERPRISE, "chengdu_staff", True),
    ],
)
def test_the_detail_is_shown_to_the_readers_the_filer_chose(
    request, visibility, role, readable, chengdu_staff, chengdu_official, chengdu_institution
):
    achievement = published(
        chengdu_staff,
        chengdu_official,
        chengdu_institution,
        detail_visibility=visibility,
        detail="核心工艺参数保密说明",
    )
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).get(f"/achievements/{achievement.pk}/")

    content = response.content.decode()
    assert ("核心工艺参数保密说明" in content) is readable
    assert response.context["can"]["read_detail"] is readable
    if visibility == DetailVisibility.ENTERPRISE and not readable:
        assert "enterprise" in response.context["detail_hidden_note"]


@pytest.mark.parametrize(
    ("role", "status"), [(None, 302), ("mianyang_staff", 200), ("chengdu_official", 200)]
)
def test_attachments_download_only_for_readers_of_the_detail(
    request, role, status, chengdu_staff, chengdu_institution, chengdu_official
):
    achievement = draft(chengdu_staff, chengdu_institution)
    attachment = services.attachment_add(
        actor=chengdu_staff, achievement=achievement, uploaded_file=pdf_upload()
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).get(f"/achievements/{achievement.pk}/attachments/{attachment.pk}/")

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF-1.7")
        assert response["Content-Type"] == "application/pdf"
    else:
        assert redirects_to_login(response)


def test_an_enterprise_only_attachment_is_forbidden_to_other_signed_in_users(
    chengdu_staff, chengdu_institution, chengdu_official, mianyang_staff
):
    achievement = draft(chengdu_staff, chengdu_institution, detail_visibility=DetailVisibility.ENTERPRISE)
    attachment = services.attachment_add(
        actor=chengdu_staff, achievement=achievement, uploaded_file=pdf_upload()
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)

    client = client_for(mianyang_staff)
    assert client.get(f"/achievements/{achievement.pk}/attachments/{attachment.pk}/").status_code == 403
    assert (
        f"/attachments/{attachment.pk}/"
        not in client.get(f"/achievements/{achievement.pk}/").content.decode()
    )


@pytest.mark.parametrize(
    ("role", "status", "buttons"),
    [
        ("chengdu_staff", "draft", {"edit", "submit", "withdraw"}),
        ("chengdu_staff", "submitted", {"withdraw"}),
        ("chengdu_official", "submitted", {"review"}),
        ("chengdu_staff", "published", {"withdraw", "list_on_market"}),
        ("mianyang_staff", "published", set()),
        ("chengdu_official", "published", set()),
    ],
)
def test_the_page_offers_the_actions_the_user_may_take_now(
    request, role, status, buttons, chengdu_staff, chengdu_institution, chengdu_official
):
    achievement = draft(chengdu_staff, chengdu_institution)
    if status != "draft":
        services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    if status == "published":
        services.achievement_approve(actor=chengdu_official, achievement=achievement)

    response = client_for(request.getfixturevalue(role)).get(f"/achievements/{achievement.pk}/")

    offered = {name for name, allowed in response.context["can"].items() if allowed} - {
        "read_detail",
        "follow",
    }
    assert offered == buttons
    listing_link = f'href="/market/listings/new/?achievement={achievement.pk}"'
    assert (listing_link in response.content.decode()) is ("list_on_market" in buttons)


# --- filing, step by step ------------------------------------------------------------------------


def test_a_staff_member_files_an_achievement_step_by_step(
    chengdu_staff, chengdu_institution, chengdu_official
):
    client = client_for(chengdu_staff)

    # step 1 creates the draft
    response = client.post(
        "/achievements/new/",
        {
            "institution": chengdu_institution.pk,
            "title": "石墨烯改性锂电池正极材料",
            "summary": "以石墨烯包覆提升正极材料导电性。",
            "detail": "",
            "detail_visibility": DetailVisibility.SIGNED_IN,
            "keywords": "石墨烯、锂电池, 正极材料",
            "action": "continue",
        },
    )
    achievement = Achievement.objects.get(title="石墨烯改性锂电池正极材料")
    assert response["Location"] == f"/achievements/{achievement.pk}/edit/2/"
    assert (achievement.status, achievement.keywords, achievement.created_by) == (
        AchievementStatus.DRAFT,
        ["石墨烯", "锂电池", "正极材料"],
        chengdu_staff,
    )
    base = f"/achievements/{achievement.pk}/edit"

    # step 2: classification
    field = classification(ClassificationScheme.TECHNOLOGY_FIELD, "03")
    response = client.post(
        f"{base}/2/",
        {
            "technology_field": field.pk,
            "industry": "",
            "strategic_industry": "",
            "trl": "6",
            "stage": "",
            "achievement_type": "applied",
            "secrecy_status": "never_classified",
            "action": "save",
        },
    )
    assert response["Location"] == f"{base}/2/"
    achievement.refresh_from_db()
    assert (achievement.technology_field, achievement.trl, achievement.status) == (
        field,
        6,
        AchievementStatus.DRAFT,
    )

    # step 3: source and terms
    response = client.post(
        f"{base}/3/",
        {
            "funding_programme": "四川省重点研发计划",
            "project_number": "2024YFG0001",
            "funding_amount": "1500000",
            "completed_on": "2025-06-30",
            "cooperation_modes": [CooperationMode.TRANSFER, CooperationMode.JOINT_DEVELOPMENT],
            "price_type": "negotiable",
            "indicative_price": "",
            "region": "510104",
            "publish_on_approval": "on",
            "action": "continue",
        },
    )
    assert response["Location"] == f"{base}/4/"
    achievement.refresh_from_db()
    assert achievement.cooperation_modes == [CooperationMode.TRANSFER, CooperationMode.JOINT_DEVELOPMENT]
    assert achievement.funding_amount == Decimal("1500000")

    # step 4: owners and contributors
    response = client.post(
        f"{base}/4/",
        {
            "owners-TOTAL_FORMS": "2",
            "owners-INITIAL_FORMS": "0",
            "owners-0-organisation": chengdu_institution.name,
            "owners-0-share_percent": "100",
            "owners-1-organisation": "",
            "owners-1-share_percent": "",
            "contributors-TOTAL_FORMS": "1",
            "contributors-INITIAL_FORMS": "0",
            "contributors-0-name": "张明",
            "contributors-0-affiliation": "四川大学",
            "contributors-0-share_percent": "60",
            "action": "continue",
        },
    )
    assert response["Location"] == f"{base}/5/"
    assert list(achievement.owners.values_list("organisation__name", "share_percent")) == [
        (chengdu_institution.name, Decimal("100.00"))
    ]
    assert list(achievement.contributors.values_list("name", "position")) == [("张明", 1)]

    # step 5: a patent
    response = client.post(
        f"{base}/5/",
        {
            "kind": IPKind.INVENTION_PATENT,
            "number": "202310123456.6",
            "status": "granted",
            "action": "continue",
        },
    )
    assert response["Location"] == f"{base}/6/"
    assert list(achievement.ip_assets.values_list("number", flat=True)) == [PATENT]

    # step 6: an attachment
    response = client.post(f"{base}/6/", {"file": pdf_upload(), "action": "continue"})
    assert response["Location"] == f"{base}/7/"
    assert list(achievement.attachments.values_list("content_type", flat=True)) == ["application/pdf"]

    # step 7: nothing missing, then submit
    response = client.get(f"{base}/7/")
    assert response.context["problems"] == []
    response = client.post(f"/achievements/{achievement.pk}/submit/")
    assert response["Location"] == f"/achievements/{achievement.pk}/"
    assert status_of(achievement) == AchievementStatus.SUBMITTED
    assert Notification.objects.filter(recipient=chengdu_official, verb="achievement.submitted").count() == 1


@pytest.mark.parametrize("step", [1, 2, 3, 4, 5, 6, 7])
def test_every_step_renders_with_the_stepper(step, chengdu_staff, draft_filing):
    response = client_for(chengdu_staff).get(f"/achievements/{draft_filing.pk}/edit/{step}/")

    assert response.status_code == 200
    assert response.context["step"] == step
    assert f"achievements/filing_step{step}.html" in template_names(response)
    assert 'class="steps steps-counter' in response.content.decode()


def test_an_unknown_step_is_not_found(chengdu_staff, draft_filing):
    assert client_for(chengdu_staff).get(f"/achievements/{draft_filing.pk}/edit/8/").status_code == 404


def test_a_submitted_filing_cannot_be_edited(chengdu_staff, submitted_filing):
    response = client_for(chengdu_staff).get(f"/achievements/{submitted_filing.pk}/edit/1/")

    assert response["Location"] == f"/achievements/{submitted_filing.pk}/"


def test_a_member_of_several_institutions_chooses_where_to_file(chengdu_staff, mianyang_institution):
    factories.MembershipFactory(user=chengdu_staff, organisation=mianyang_institution)
    client = client_for(chengdu_staff)

    response = client.get(f"/achievements/new/?institution={mianyang_institution.pk}")
    assert response.context["form"]["institution"].value() == str(mianyang_institution.pk)

    client.post(
        "/achievements/new/",
        {
            "institution": mianyang_institution.pk,
            "title": "绵阳：核技术辐照育种",
            "summary": "辐照诱变选育新品种。",
            "detail_visibility": "public",
            "keywords": "辐照",
            "action": "save",
        },
    )
    assert Achievement.objects.get(title="绵阳：核技术辐照育种").filing_institution == mianyang_institution


def test_a_staff_member_cannot_file_for_another_institution(chengdu_staff, mianyang_institution):
    response = client_for(chengdu_staff).post(
        "/achievements/new/",
        {
            "institution": mianyang_institution.pk,
            "title": "冒名成果",
            "summary": "不应保存。",
            "detail_visibility": "public",
            "action": "save",
        },
    )

    assert response.status_code == 200
    assert "institution" in response.context["form"].errors
    assert not Achievement.objects.filter(title="冒名成果").exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("chengdu_official", 403), ("mianyang_official", 403), ("platform_admin", 403)],
)
def test_those_who_work_for_no_institution_cannot_start_a_filing(request, role, status):
    client = client_for(request.getfixturevalue(role))

    assert client.get("/achievements/new/").status_code == status
    response = client.post("/achievements/new/", {"title": "无权成果", "summary": "无", "action": "save"})
    assert response.status_code == status
    assert not Achievement.objects.filter(title="无权成果").exists()


def test_a_visitor_posting_a_filing_is_sent_to_sign_in(db):
    response = client_for().post("/achievements/new/", {"title": "匿名成果", "summary": "无"})

    assert redirects_to_login(response)
    assert not Achievement.objects.exists()


def test_too_many_keywords_are_reported_next_to_the_field(chengdu_staff, draft_filing):
    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/1/",
        {
            "title": draft_filing.title,
            "summary": draft_filing.summary,
            "detail_visibility": "public",
            "keywords": "一、二、三、四、五、六",
            "action": "save",
        },
    )

    assert response.status_code == 200
    assert response.context["form"].errors["keywords"] == ["Give at most 5 keywords."]
    draft_filing.refresh_from_db()
    assert draft_filing.keywords == ["锂离子电池", "负极材料", "硅碳"]


def test_a_fixed_price_needs_the_price_and_the_service_says_so_next_to_it(chengdu_staff, draft_filing):
    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/3/",
        {"price_type": "fixed", "indicative_price": "", "region": "510104", "action": "save"},
    )

    assert response.context["form"].errors["indicative_price"] == [
        "Give the indicative price, or choose negotiable."
    ]
    draft_filing.refresh_from_db()
    assert draft_filing.price_type == "negotiable"


def test_owners_must_be_registered_organisations_listed_once(
    chengdu_staff, chengdu_institution, draft_filing
):
    client = client_for(chengdu_staff)
    url = f"/achievements/{draft_filing.pk}/edit/4/"
    management = {"contributors-TOTAL_FORMS": "0", "contributors-INITIAL_FORMS": "0", "action": "save"}

    response = client.post(
        url,
        {
            "owners-TOTAL_FORMS": "1",
            "owners-INITIAL_FORMS": "0",
            "owners-0-organisation": "不存在的研究院",
            "owners-0-share_percent": "100",
            **management,
        },
    )
    assert "organisation" in response.context["owners"].forms[0].errors

    response = client.post(
        url,
        {
            "owners-TOTAL_FORMS": "2",
            "owners-INITIAL_FORMS": "0",
            "owners-0-organisation": chengdu_institution.name,
            "owners-0-share_percent": "50",
            "owners-1-organisation": chengdu_institution.credit_code,
            "owners-1-share_percent": "50",
            **management,
        },
    )
    assert response.context["owners"].non_form_errors() == [
        f"{chengdu_institution.name} is listed twice; each owner may appear only once."
    ]
    assert list(draft_filing.owners.values_list("share_percent", flat=True)) == [Decimal("100.00")]


def test_shares_not_adding_up_are_listed_on_the_review_step_with_a_link(
    chengdu_staff, chengdu_institution, mianyang_institution
):
    achievement = draft(
        chengdu_staff,
        chengdu_institution,
        owners=[
            services.OwnerShare(chengdu_institution, Decimal(60)),
            services.OwnerShare(mianyang_institution, Decimal(30)),
        ],
    )
    client = client_for(chengdu_staff)

    response = client.get(f"/achievements/{achievement.pk}/edit/7/")
    assert [(problem["step"], str(problem["label"])) for problem in response.context["problems"]] == [
        (4, "Owners")
    ]
    assert f'href="/achievements/{achievement.pk}/edit/4/"' in response.content.decode()

    response = client.post(f"/achievements/{achievement.pk}/submit/")
    assert response["Location"] == f"/achievements/{achievement.pk}/edit/7/"
    assert status_of(achievement) == AchievementStatus.DRAFT


def test_an_invalid_patent_number_is_shown_next_to_the_number(chengdu_staff, draft_filing):
    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/5/",
        {"kind": IPKind.INVENTION_PATENT, "number": "ZL202310123456.7", "status": "granted", "action": "add"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["number"] == [
        "The check character after the dot does not match; please check the number for typos."
    ]
    assert not IPAsset.objects.exists()


def test_an_empty_ip_step_just_moves_on(chengdu_staff, draft_filing):
    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/5/",
        {"kind": "", "number": "", "title": "", "status": "granted", "granted_on": "", "action": "continue"},
    )

    assert response["Location"] == f"/achievements/{draft_filing.pk}/edit/6/"
    assert not IPAsset.objects.exists()


def test_a_file_that_is_not_a_document_is_refused_with_the_reason(chengdu_staff, draft_filing):
    upload = SimpleUploadedFile("report.pdf", b"#!/bin/sh\necho hello\n", content_type="application/pdf")

    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/6/", {"file": upload, "action": "add"}
    )

    assert response.context["form"].errors["file"] == [
        "Only PDF, PNG, JPEG and Office documents (Word, Excel, PowerPoint) can be attached."
    ]
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("chengdu_staff", 302), ("chengdu_admin", 302), ("mianyang_staff", 404), ("chengdu_official", 404)],
)
def test_only_the_filers_remove_an_ip_asset_or_attachment(request, role, status, chengdu_staff, draft_filing):
    asset = services.ip_asset_add(
        actor=chengdu_staff,
        achievement=draft_filing,
        data={"kind": IPKind.INVENTION_PATENT, "number": PATENT},
    )
    attachment = services.attachment_add(
        actor=chengdu_staff, achievement=draft_filing, uploaded_file=pdf_upload()
    )
    client = client_for(request.getfixturevalue(role))

    first = client.post(f"/achievements/{draft_filing.pk}/ip-assets/{asset.pk}/remove/")
    second = client.post(f"/achievements/{draft_filing.pk}/attachments/{attachment.pk}/remove/")

    assert (first.status_code, second.status_code) == (status, status)
    remaining = 0 if status == 302 else 1
    assert (IPAsset.objects.count(), Attachment.objects.count()) == (remaining, remaining)


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        (None, "login"),
        ("mianyang_staff", 404),
        ("enterprise_user", 404),
        ("chengdu_official", 404),
        ("mianyang_official", 404),
        ("chengdu_admin", 302),
        ("platform_admin", 302),
    ],
)
def test_editing_a_draft_is_for_its_institution_only(request, role, outcome, draft_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(
        f"/achievements/{draft_filing.pk}/edit/1/",
        {"title": "被改过的标题", "summary": "被改过", "detail_visibility": "public", "action": "save"},
    )

    draft_filing.refresh_from_db()
    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    assert (draft_filing.title == "被改过的标题") is (outcome == 302)


# --- the workflow actions ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, "login"), ("mianyang_staff", 404), ("chengdu_official", 404), ("chengdu_staff", 302)],
)
def test_submitting_a_draft(request, role, outcome, draft_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(f"/achievements/{draft_filing.pk}/submit/")

    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    expected = AchievementStatus.SUBMITTED if outcome == 302 else AchievementStatus.DRAFT
    assert status_of(draft_filing) == expected


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        (None, "login"),
        ("chengdu_staff", 403),
        ("mianyang_staff", 404),
        ("mianyang_official", 404),
        ("chengdu_official", 302),
        ("province_official", 302),
        ("platform_admin", 302),
    ],
)
def test_approving_a_submission(request, role, outcome, submitted_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(f"/achievements/{submitted_filing.pk}/approve/")

    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    expected = AchievementStatus.PUBLISHED if outcome == 302 else AchievementStatus.SUBMITTED
    assert status_of(submitted_filing) == expected


@pytest.mark.parametrize(
    ("role", "outcome"),
    [
        (None, "login"),
        ("chengdu_staff", 403),
        ("mianyang_staff", 404),
        ("mianyang_official", 404),
        ("chengdu_official", 302),
    ],
)
def test_returning_a_submission(request, role, outcome, submitted_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(
        f"/achievements/{submitted_filing.pk}/return/", {"reason": "请补充中试数据"}
    )

    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    submitted_filing.refresh_from_db()
    if outcome == 302:
        assert (submitted_filing.status, submitted_filing.return_reason) == (
            AchievementStatus.RETURNED,
            "请补充中试数据",
        )
    else:
        assert (submitted_filing.status, submitted_filing.return_reason) == (AchievementStatus.SUBMITTED, "")


def test_a_return_needs_a_reason_shown_next_to_the_field(chengdu_official, submitted_filing):
    response = client_for(chengdu_official).post(
        f"/achievements/{submitted_filing.pk}/return/", {"reason": "  "}
    )

    assert response.status_code == 400
    assert response.context["return_form"].errors["reason"] == ["This field is required."]
    assert 'id="id_reason_errors"' in response.content.decode()
    assert status_of(submitted_filing) == AchievementStatus.SUBMITTED


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, "login"), ("chengdu_official", 403), ("mianyang_staff", 404), ("chengdu_admin", 302)],
)
def test_withdrawing_a_submission(request, role, outcome, submitted_filing):
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(f"/achievements/{submitted_filing.pk}/withdraw/")

    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    expected = AchievementStatus.WITHDRAWN if outcome == 302 else AchievementStatus.SUBMITTED
    assert status_of(submitted_filing) == expected


@pytest.mark.parametrize(
    ("role", "outcome"),
    [(None, "login"), ("mianyang_staff", 404), ("mianyang_official", 404), ("chengdu_staff", 302)],
)
def test_publishing_an_approved_filing(
    request, role, outcome, chengdu_staff, chengdu_institution, chengdu_official
):
    achievement = draft(chengdu_staff, chengdu_institution, publish_on_approval=False)
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)
    services.achievement_approve(actor=chengdu_official, achievement=achievement)
    user = request.getfixturevalue(role) if role else None

    response = client_for(user).post(f"/achievements/{achievement.pk}/publish/")

    if outcome == "login":
        assert redirects_to_login(response)
    else:
        assert response.status_code == outcome
    expected = AchievementStatus.PUBLISHED if outcome == 302 else AchievementStatus.APPROVED
    assert status_of(achievement) == expected


def test_an_illegal_move_is_refused_with_a_message(chengdu_official, published_filing):
    response = client_for(chengdu_official).post(f"/achievements/{published_filing.pk}/approve/", follow=True)

    assert [str(message) for message in response.context["messages"]] == [
        "An achievement that is Published cannot be Approved."
    ]
    assert status_of(published_filing) == AchievementStatus.PUBLISHED


@pytest.mark.parametrize("url", ["submit", "approve", "return", "withdraw", "publish"])
def test_workflow_actions_need_post(url, chengdu_official, submitted_filing):
    assert client_for(chengdu_official).get(f"/achievements/{submitted_filing.pk}/{url}/").status_code == 405


def test_return_with_a_reason_then_fix_resubmit_approve_and_find_it(
    chengdu_staff, chengdu_official, chengdu_institution
):
    staff, official = client_for(chengdu_staff), client_for(chengdu_official)
    achievement = draft(chengdu_staff, chengdu_institution, title="石墨烯散热膜卷对卷制备技术")
    staff.post(f"/achievements/{achievement.pk}/submit/")

    # the official returns it with a reason
    official.post(f"/achievements/{achievement.pk}/return/", {"reason": "请补充第三方检测报告。"})

    # the staff member sees the reason on the page and on the form, and on their notifications
    page = staff.get(f"/achievements/{achievement.pk}/").content.decode()
    assert "Returned for changes" in page
    assert "请补充第三方检测报告。" in page
    assert "请补充第三方检测报告。" in staff.get(f"/achievements/{achievement.pk}/edit/6/").content.decode()
    notifications = staff.get("/notifications/")
    assert [notification.verb for notification in notifications.context["page_obj"]] == [
        "achievement.returned"
    ]

    # fixes it and resubmits
    staff.post(
        f"/achievements/{achievement.pk}/edit/6/", {"file": pdf_upload("第三方检测报告.pdf"), "action": "add"}
    )
    staff.post(f"/achievements/{achievement.pk}/submit/")
    assert status_of(achievement) == AchievementStatus.SUBMITTED

    # the official approves; it is published and a visitor finds it
    official.post(f"/achievements/{achievement.pk}/approve/")
    assert status_of(achievement) == AchievementStatus.PUBLISHED
    assert listed_titles(client_for().get("/achievements/", {"q": "石墨烯"})) == [
        "石墨烯散热膜卷对卷制备技术"
    ]


# --- the duplicate warning ---------------------------------------------------------------------


def test_the_review_step_warns_of_a_filing_with_the_same_patent(
    chengdu_staff, chengdu_institution, published_filing, mianyang_staff, mianyang_institution
):
    achievement = draft(mianyang_staff, mianyang_institution, title="一种完全不同名称的储能装置")
    services.ip_asset_add(
        actor=mianyang_staff,
        achievement=achievement,
        data={"kind": IPKind.INVENTION_PATENT, "number": "202310123456.6"},
    )

    response = client_for(mianyang_staff).get(f"/achievements/{achievement.pk}/edit/7/")

    assert [
        (item["achievement"], item["reason"], item["visible"]) for item in response.context["duplicates"]
    ] == [(published_filing, "patent", True)]
    content = response.content.decode()
    assert "same patent number" in content
    assert f'href="/achievements/{published_filing.pk}/"' in content


def test_the_review_step_warns_of_a_near_identical_title(
    chengdu_staff, chengdu_institution, published_filing, mianyang_staff, mianyang_institution
):
    achievement = draft(mianyang_staff, mianyang_institution, title="高安全锂离子电池硅碳负极材料的制备技术")

    response = client_for(mianyang_staff).get(f"/achievements/{achievement.pk}/edit/7/")

    assert [(item["achievement"], item["reason"]) for item in response.context["duplicates"]] == [
        (published_filing, "title")
    ]
    assert "near-identical title" in response.content.decode()


def test_a_pending_duplicate_that_the_filer_may_not_see_is_shown_without_its_title(
    chengdu_staff, chengdu_institution, mianyang_staff, mianyang_institution
):
    hidden = services.achievement_submit(
        actor=chengdu_staff,
        achievement=draft(chengdu_staff, chengdu_institution, title="工业机器人视觉引导抓取系统"),
    )
    achievement = draft(mianyang_staff, mianyang_institution, title="工业机器人的视觉引导抓取系统")

    response = client_for(mianyang_staff).get(f"/achievements/{achievement.pk}/edit/7/")

    assert [(item["achievement"], item["visible"]) for item in response.context["duplicates"]] == [
        (hidden, False)
    ]
    content = response.content.decode()
    assert hidden.title not in content
    assert "not public yet" in content


def test_another_institutions_draft_is_not_a_duplicate_warning(
    chengdu_staff, chengdu_institution, mianyang_staff, mianyang_institution
):
    draft(chengdu_staff, chengdu_institution, title="工业机器人视觉引导抓取系统")
    achievement = draft(mianyang_staff, mianyang_institution, title="工业机器人的视觉引导抓取系统")

    response = client_for(mianyang_staff).get(f"/achievements/{achievement.pk}/edit/7/")

    assert response.context["duplicates"] == []


def test_the_reviewer_sees_possible_duplicates_on_the_page(
    chengdu_official, chengdu_staff, chengdu_institution, published_filing
):
    achievement = draft(
        chengdu_staff, chengdu_institution, title="高安全锂离子电池硅碳负极材料制备技术（二期）"
    )
    services.achievement_submit(actor=chengdu_staff, achievement=achievement)

    response = client_for(chengdu_official).get(f"/achievements/{achievement.pk}/")

    assert [item["achievement"] for item in response.context["duplicates"]] == [published_filing]


# --- the public database: search, filters, htmx, query counts -----------------------------------


@pytest.fixture
def database(
    chengdu_staff,
    chengdu_official,
    chengdu_institution,
    mianyang_staff,
    mianyang_official,
    mianyang_institution,
):
    """Published achievements of two cities with different fields, TRLs, modes and IP."""
    graphene = published(
        chengdu_staff,
        chengdu_official,
        chengdu_institution,
        title="石墨烯基锂电池快充负极材料",
        summary="石墨烯与硅复合，电池快充性能提升。",
        keywords=["石墨烯", "电池"],
        trl=7,
    )
    film = published(
        mianyang_staff,
        mianyang_official,
        mianyang_institution,
        title="石墨烯导热膜规模化制备",
        summary="面向电子器件散热的石墨烯导热膜。",
        keywords=["石墨烯", "导热膜"],
        trl=5,
        cooperation_modes=[CooperationMode.JOINT_DEVELOPMENT],
    )
    robot = draft(
        chengdu_staff,
        chengdu_institution,
        title="工业机器人视觉引导系统",
        summary="机器视觉引导工业机器人抓取。",
        keywords=["工业机器人", "机器视觉"],
        technology_field=classification(ClassificationScheme.TECHNOLOGY_FIELD, "02"),
        trl=8,
    )
    services.ip_asset_add(
        actor=chengdu_staff,
        achievement=robot,
        data={"kind": IPKind.SOFTWARE_COPYRIGHT, "number": "2024SR0123456"},
    )
    services.achievement_submit(actor=chengdu_staff, achievement=robot)
    robot = services.achievement_approve(actor=chengdu_official, achievement=robot)
    return {"graphene": graphene, "film": film, "robot": robot}


def test_search_finds_graphene_achievements_for_a_graphene_battery_query(database):
    titles = listed_titles(client_for().get("/achievements/", {"q": "石墨烯电池"}))

    assert titles == ["石墨烯基锂电池快充负极材料", "石墨烯导热膜规模化制备"]


@pytest.mark.parametrize(
    ("query", "titles"),
    [
        ({"field": "02"}, ["工业机器人视觉引导系统"]),
        ({"trl_min": "7"}, ["工业机器人视觉引导系统", "石墨烯基锂电池快充负极材料"]),
        ({"trl_max": "6"}, ["石墨烯导热膜规模化制备"]),
        ({"city": "510700"}, ["石墨烯导热膜规模化制备"]),
        (
            {"city": "510100", "county": "510104", "sort": "title"},
            ["工业机器人视觉引导系统", "石墨烯基锂电池快充负极材料"],
        ),
        ({"cooperation_mode": "joint_development"}, ["石墨烯导热膜规模化制备"]),
        ({"ip_kind": "software_copyright"}, ["工业机器人视觉引导系统"]),
        ({"catalogue": "military_to_civil"}, []),
        ({"dual_use": "on"}, []),
    ],
)
def test_filters_narrow_the_database(database, query, titles):
    response = client_for().get("/achievements/", query)

    assert sorted(listed_titles(response)) == sorted(titles)
    if "sort" in query:
        assert listed_titles(response) == titles


def test_a_result_shows_what_a_reader_needs(database):
    content = client_for().get("/achievements/").content.decode()
    robot = database["robot"]

    assert robot.title in content
    assert robot.filing_number in content
    assert "成都锦江技术转移中心" in content
    assert "成都市 · 锦江区" in content
    assert "TRL 8" in content
    assert "Ordinary licence" in content


def test_an_htmx_request_gets_only_the_results(database):
    response = client_for().get("/achievements/", {"q": "石墨烯"}, headers={"HX-Request": "true"})

    assert template_names(response)[0] == "achievements/_results.html"
    assert "<html" not in response.content.decode()
    assert response["Vary"].count("HX-Request") == 1


def bulk_published(count: int, institution, user) -> None:
    """``count`` published achievements, written directly: this is about query counts, not behaviour."""
    data = filing_data()
    now = timezone.now()
    Achievement.objects.bulk_create(
        [
            Achievement(
                filing_institution=institution,
                created_by=user,
                status=AchievementStatus.PUBLISHED,
                filing_number=f"5101042026{number:05d}",
                published_at=now,
                title=f"批量成果{number:04d}",
                summary=data["summary"],
                keywords=data["keywords"],
                technology_field=data["technology_field"],
                industry=data["industry"],
                trl=data["trl"],
                cooperation_modes=data["cooperation_modes"],
                region=institution.region,
            )
            for number in range(count)
        ]
    )


# A visitor's database: the taxonomies, the regions, the count and the page.
@pytest.mark.parametrize("count", [10, 300])
def test_the_public_list_costs_the_same_queries_for_10_and_300_achievements(
    count, chengdu_staff, chengdu_institution, django_assert_num_queries
):
    bulk_published(count, chengdu_institution, chengdu_staff)
    client = client_for()

    with django_assert_num_queries(4):
        response = client.get(
            "/achievements/", {"trl_min": "3", "cooperation_mode": "transfer", "sort": "newest"}
        )

    assert response.context["page_obj"].paginator.count == count


# A signed-in official: as above, plus the session, the user, their roles, the field filter's lookup,
# the unread notifications, the review queue's count, and saving the session (savepoint, update, release).
@pytest.mark.parametrize("count", [10, 300])
def test_an_officials_public_list_costs_the_same_queries_for_10_and_300_achievements(
    count, chengdu_staff, chengdu_institution, chengdu_official, django_assert_num_queries
):
    bulk_published(count, chengdu_institution, chengdu_staff)
    client = client_for(chengdu_official)

    with django_assert_num_queries(13):
        response = client.get("/achievements/", {"city": "510100", "field": "03"})

    assert response.context["page_obj"].paginator.count == count


# A staff member's filings: the session, the user, their roles, the counts by status, the count and the
# page, the institutions they may file for, the unread notifications, the to-do badge's counts, and
# saving the session (3).
@pytest.mark.parametrize("count", [1, 30])
def test_my_filings_costs_the_same_queries_for_1_and_30_filings(
    count, chengdu_staff, chengdu_institution, django_assert_num_queries
):
    bulk_published(count, chengdu_institution, chengdu_staff)
    client = client_for(chengdu_staff)

    with django_assert_num_queries(13):
        response = client.get("/achievements/mine/")

    assert response.context["page_obj"].paginator.count == count


def test_my_filings_tabs_count_by_status(chengdu_staff, chengdu_institution, draft_filing, submitted_filing):
    response = client_for(chengdu_staff).get("/achievements/mine/", {"status": "submitted"})

    counts = {value: count for value, _label, count in response.context["tabs"]}
    assert (counts[""], counts["draft"], counts["submitted"], counts["published"]) == (2, 1, 1, 0)
    assert listed_titles(response) == [submitted_filing.title]


def test_the_home_page_links_to_the_database_with_a_search_box(db):
    content = client_for().get("/").content.decode()

    assert 'action="/achievements/"' in content
    assert 'name="q"' in content


def test_the_navigation_shows_each_role_its_achievement_links(chengdu_staff, chengdu_official):
    visitor = client_for().get("/").content.decode()
    staff = client_for(chengdu_staff).get("/").content.decode()
    official = client_for(chengdu_official).get("/").content.decode()

    assert ('href="/achievements/"' in visitor, 'href="/achievements/mine/"' in visitor) == (True, False)
    assert ('href="/achievements/mine/"' in staff, 'href="/achievements/review/"' in staff) == (True, False)
    assert ('href="/achievements/mine/"' in official, 'href="/achievements/review/"' in official) == (
        False,
        True,
    )
    assert 'href="/notifications/"' not in visitor
    assert 'href="/notifications/"' in staff


def test_organisation_suggestions_match_the_typed_name(
    chengdu_staff, chengdu_institution, mianyang_institution
):
    client = client_for(chengdu_staff)

    response = client.get("/achievements/organisations/", {"owners-0-organisation": "绵阳科技"})

    assert f'<option value="{mianyang_institution.name}">' in response.content.decode()
    assert chengdu_institution.name not in response.content.decode()
    assert redirects_to_login(client_for().get("/achievements/organisations/", {"q": "绵阳"}))


# --- long texts and a form sent twice ------------------------------------------------------------------


def new_filing(institution, **overrides) -> dict:
    return {
        "institution": institution.pk,
        "title": "石墨烯改性锂电池正极材料",
        "summary": "以石墨烯包覆提升正极材料导电性。",
        "detail_visibility": DetailVisibility.SIGNED_IN,
        "action": "save",
        **overrides,
    }


def test_the_new_filing_form_sent_twice_makes_one_draft(chengdu_staff, chengdu_institution):
    # given the form as the browser received it, with its submission key
    client = client_for(chengdu_staff)
    key = client.get("/achievements/new/").context["form"]["submission_key"].value()

    # when it is sent twice (a double click, a retry after a slow save)
    first = client.post("/achievements/new/", new_filing(chengdu_institution, submission_key=key))
    second = client.post("/achievements/new/", new_filing(chengdu_institution, submission_key=key))

    # then one draft exists and both sendings lead to it
    achievement = Achievement.objects.get()
    assert first["Location"] == second["Location"] == f"/achievements/{achievement.pk}/edit/1/"


def test_two_forms_make_two_drafts(chengdu_staff, chengdu_institution):
    client = client_for(chengdu_staff)
    for _attempt in range(2):
        key = client.get("/achievements/new/").context["form"]["submission_key"].value()
        client.post("/achievements/new/", new_filing(chengdu_institution, submission_key=key))

    assert Achievement.objects.count() == 2


def test_the_long_texts_of_a_filing_have_their_maximum_on_the_page(chengdu_staff):
    content = client_for(chengdu_staff).get("/achievements/new/").content.decode()

    assert f'maxlength="{limits.SUMMARY_MAX_LENGTH}"' in content
    assert f'maxlength="{limits.DETAIL_MAX_LENGTH}"' in content


def test_a_summary_too_long_is_refused_with_the_form_and_nothing_saved(chengdu_staff, chengdu_institution):
    too_long = "长" * (limits.SUMMARY_MAX_LENGTH + 1)

    response = client_for(chengdu_staff).post(
        "/achievements/new/", new_filing(chengdu_institution, summary=too_long)
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "summary": [
            f"Ensure this value has at most {limits.SUMMARY_MAX_LENGTH} characters "
            f"(it has {limits.SUMMARY_MAX_LENGTH + 1})."
        ]
    }
    assert not Achievement.objects.exists()


def test_a_title_with_a_line_break_is_refused_with_the_form_and_nothing_saved(
    chengdu_staff, chengdu_institution
):
    response = client_for(chengdu_staff).post(
        "/achievements/new/", new_filing(chengdu_institution, title="石墨烯\r\n锂电池")
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": [
            "Write this on one line: it holds a line break, a tab or another control character (U+000D)."
        ]
    }
    assert not Achievement.objects.exists()


def test_a_patent_listed_twice_is_refused_in_words_on_the_form(chengdu_staff, draft_filing):
    services.ip_asset_add(
        actor=chengdu_staff,
        achievement=draft_filing,
        data={"kind": IPKind.INVENTION_PATENT, "number": "202310123456.6", "title": "正极材料"},
    )

    response = client_for(chengdu_staff).post(
        f"/achievements/{draft_filing.pk}/edit/5/",
        {"kind": IPKind.INVENTION_PATENT, "number": PATENT, "status": "granted", "action": "add"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "number": [
            f"Invention patent {PATENT} is already listed among this achievement's IP; each number is listed once."
        ]
    }
    assert "unique_number" not in response.content.decode()
    assert draft_filing.ip_assets.count() == 1
