"""REST API of achievement filing (科技成果汇交): the public database, a filer's own filings, the review
queue, the workflow actions, IP assets, attachments and the duplicate warning.

Handlers are thin: they fetch through the selectors (which apply visibility, so a filing the actor may
not see is a 404), check the rules permission (403) before reading the request body, validate an input
serializer (400), call one service and answer with an output serializer. Partner systems call the same
endpoints with their key; the rules let a partner file for the institutions it is linked to.
"""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from achievements.api.serializers import filings as serializers
from achievements.choices import PATENT_KINDS
from achievements.filters import AchievementFilterSet
from achievements.models import Achievement, AchievementOwner, Attachment, IPAsset
from achievements.selectors import filings as selectors
from achievements.services import filings as services
from core import uploads
from core.api.filters import NamedOrderingFilter
from core.api.permissions import PublicReadOnly
from core.api.schema import ErrorSerializer
from core.permissions import require

_NOT_FOUND = OpenApiResponse(ErrorSerializer, description="No such object, or it is not visible to you.")


def _with_api_relations(queryset):
    """The owners, contributors and IP assets the output serializer shows: three queries per page."""
    return queryset.prefetch_related(
        Prefetch("owners", queryset=AchievementOwner.objects.select_related("organisation")),
        "contributors",
        "ip_assets",
    )


def _filing_input(validated: dict) -> tuple[dict, list | None, list | None]:
    """Splits validated input into the achievement's fields, its owners and its contributors."""
    data = dict(validated)
    data.pop("institution", None)
    owners = data.pop("owners", None)
    contributors = data.pop("contributors", None)
    if owners is not None:
        owners = [
            services.OwnerShare(
                row["organisation"],
                row["share_percent"],
                kind=row["kind"],
                name=row["name"],
                credit_code=row["credit_code"],
            )
            for row in owners
        ]
    if contributors is not None:
        contributors = [
            services.Contributor(
                name=row["name"], affiliation=row["affiliation"], share_percent=row["share_percent"]
            )
            for row in contributors
        ]
    return data, owners, contributors


def _shown(found: list[selectors.PossibleDuplicate]) -> list[dict]:
    return [
        {
            "achievement": duplicate.achievement if duplicate.visible else None,
            "reason": duplicate.reason,
            "similarity": duplicate.similarity,
        }
        for duplicate in found
    ]


# --- achievements -----------------------------------------------------------------------------

_SCOPE_PARAMETER = OpenApiParameter(
    "scope",
    OpenApiTypes.STR,
    enum=["mine", "review"],
    description=(
        "Leave out for the public database (published only). `mine`: every filing of the institutions "
        "you work for, in any status. `review`: filings waiting for your decision (officials)."
    ),
)
_SEARCH_PARAMETER = OpenApiParameter(
    "q",
    OpenApiTypes.STR,
    description="Chinese full-text search over title, keywords and summary, best matches first.",
)


def _action_schema(summary: str, description: str, request=None):
    return extend_schema(
        summary=summary,
        description=description,
        request=request,
        responses={200: serializers.AchievementDetailSerializer, 404: _NOT_FOUND},
        tags=["achievements"],
    )


@extend_schema_view(
    list=extend_schema(
        summary="The achievement database",
        description=(
            "Published achievements for everyone; with `scope`, your own filings or your review queue. "
            "Filter by the listed parameters, search with `q`, sort with `ordering`."
        ),
        parameters=[_SCOPE_PARAMETER, _SEARCH_PARAMETER],
        tags=["achievements"],
    ),
)
class AchievementViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Research achievements (科技成果): filed by institutions, reviewed by officials, then public."""

    permission_classes = [PublicReadOnly]
    serializer_class = serializers.AchievementSerializer
    filter_backends = [DjangoFilterBackend, NamedOrderingFilter]
    filterset_class = AchievementFilterSet
    ordering_fields = selectors.ORDERINGS
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Achievement.objects.none()
        user = self.request.user
        scope = self.request.query_params.get("scope", "")
        q = self.request.query_params.get("q", "").strip()
        # The filter backend applies the FilterSet and an explicit ``ordering``; the selectors apply
        # visibility, the search and their default order (by relevance when searching).
        if scope == "":
            queryset = selectors.achievement_public_list(actor=user, q=q)
        elif scope == "mine":
            if not user.is_authenticated:
                raise exceptions.NotAuthenticated()
            queryset = selectors.achievement_my_list(actor=user, q=q)
        elif scope == "review":
            if not user.is_authenticated:
                raise exceptions.NotAuthenticated()
            if not user.has_perm("achievements.view_review_queue"):
                raise exceptions.PermissionDenied(_("Only officials have a review queue."))
            queryset = selectors.achievement_review_queue(actor=user, q=q)
        else:
            raise exceptions.ValidationError({"scope": [_("The scope is “mine” or “review”.")]})
        return _with_api_relations(queryset)

    def _achievement(self, pk) -> Achievement:
        """The filing, if visible to the actor, with what the permission rules read."""
        return get_object_or_404(
            selectors.achievement_visible_queryset(actor=self.request.user).select_related(
                "filing_institution"
            ),
            pk=pk,
        )

    def _detail_response(self, pk, status_code=status.HTTP_200_OK) -> Response:
        achievement = selectors.achievement_get(pk=pk, actor=self.request.user)
        data = serializers.AchievementDetailSerializer(achievement, context={"request": self.request}).data
        return Response(data, status=status_code)

    @extend_schema(
        summary="One achievement",
        description=(
            "Drafts are visible to their institution only; filings in review to the officials over the "
            "institution too. The detail text is null (and `detail_restricted` true) for readers the "
            "filer's `detail_visibility` does not admit."
        ),
        responses={200: serializers.AchievementDetailSerializer, 404: _NOT_FOUND},
        tags=["achievements"],
    )
    def retrieve(self, request, pk=None):
        return self._detail_response(pk)

    @extend_schema(
        summary="File an achievement (as a draft)",
        description=(
            "For members of the filing institution and partner systems linked to it. The draft is "
            "private to the institution until submitted."
        ),
        request=serializers.AchievementCreateInputSerializer,
        responses={201: serializers.AchievementDetailSerializer},
        tags=["achievements"],
    )
    def create(self, request):
        # Who files for whom is checked before the rest of the body is read.
        target = serializers.AchievementInstitutionInputSerializer(data=request.data)
        target.is_valid(raise_exception=True)
        institution = target.validated_data["institution"]
        require(request.user, "achievements.file_for_organisation", institution)
        serializer = serializers.AchievementCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, owners, contributors = _filing_input(serializer.validated_data)
        achievement = services.achievement_create(
            actor=request.user, institution=institution, data=data, owners=owners, contributors=contributors
        )
        return self._detail_response(achievement.pk, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Edit a draft or returned filing",
        description="Only the fields sent change; `owners` and `contributors` replace the lists.",
        request=serializers.AchievementInputSerializer,
        responses={200: serializers.AchievementDetailSerializer, 404: _NOT_FOUND},
        tags=["achievements"],
    )
    def partial_update(self, request, pk=None):
        achievement = self._achievement(pk)
        require(request.user, "achievements.change_achievement", achievement)
        serializer = serializers.AchievementInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, owners, contributors = _filing_input(serializer.validated_data)
        services.achievement_update(
            actor=request.user,
            achievement=achievement,
            data=data,
            owners=owners,
            contributors=contributors,
        )
        return self._detail_response(achievement.pk)

    def _transition(self, request, pk, permission: str, service, **arguments) -> Response:
        achievement = self._achievement(pk)
        require(request.user, permission, achievement)
        service(actor=request.user, achievement=achievement, **arguments)
        return self._detail_response(achievement.pk)

    @_action_schema(
        "Submit a filing for review",
        "Sends a draft or a returned filing to the officials over the institution. Incomplete filings "
        "are refused with the missing fields.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def submit(self, request, pk=None):
        return self._transition(request, pk, "achievements.change_achievement", services.achievement_submit)

    @_action_schema(
        "Approve a submitted filing",
        "For officials whose jurisdiction covers the filing institution. Publishes at once when the "
        "filer asked for that.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def approve(self, request, pk=None):
        return self._transition(request, pk, "achievements.review_achievement", services.achievement_approve)

    @_action_schema(
        "Return a submitted filing with reasons",
        "For officials whose jurisdiction covers the filing institution; the reason is required.",
        request=serializers.ReturnInputSerializer,
    )
    @action(detail=True, methods=["post"], url_path="return", url_name="return", filter_backends=[])
    def return_(self, request, pk=None):
        achievement = self._achievement(pk)
        require(request.user, "achievements.review_achievement", achievement)
        serializer = serializers.ReturnInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.achievement_return(
            actor=request.user, achievement=achievement, reason=serializer.validated_data["reason"]
        )
        return self._detail_response(achievement.pk)

    @_action_schema(
        "Publish an approved filing",
        "It gets its filing number and enters the public database.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def publish(self, request, pk=None):
        return self._transition(request, pk, "achievements.publish_achievement", services.achievement_publish)

    @_action_schema(
        "Withdraw a filing",
        "The filing institution takes its filing back; a published one leaves the public database.",
    )
    @action(detail=True, methods=["post"], filter_backends=[])
    def withdraw(self, request, pk=None):
        return self._transition(request, pk, "achievements.change_achievement", services.achievement_withdraw)

    @extend_schema(
        summary="Possible duplicates of a filing",
        description=(
            "Filings with one of its patent numbers or a near-identical title. Filings you may not see "
            "are shown without their identity; other institutions' drafts are left out."
        ),
        responses={200: serializers.PossibleDuplicateSerializer(many=True), 404: _NOT_FOUND},
        tags=["achievements"],
    )
    @action(
        detail=True,
        methods=["get"],
        permission_classes=[IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def duplicates(self, request, pk=None):
        achievement = self._achievement(pk)
        numbers = list(achievement.ip_assets.filter(kind__in=PATENT_KINDS).values_list("number", flat=True))
        found = selectors.achievement_possible_duplicates(
            actor=request.user, title=achievement.title, patent_numbers=numbers, exclude_pk=achievement.pk
        )
        shown = _shown(found)
        return Response(serializers.PossibleDuplicateSerializer(shown, many=True).data)

    @extend_schema(
        summary="Check a title and patent numbers for duplicates before filing",
        description=(
            "Filings with one of the patent numbers or a near-identical title. Filings you may not see "
            "are shown without their identity; other institutions' drafts are left out."
        ),
        request=serializers.DuplicateCheckInputSerializer,
        responses={200: serializers.PossibleDuplicateSerializer(many=True)},
        tags=["achievements"],
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="duplicates",
        url_name="duplicates-check",
        permission_classes=[IsAuthenticated],
        filter_backends=[],
        pagination_class=None,
    )
    def duplicates_check(self, request):
        serializer = serializers.DuplicateCheckInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        found = selectors.achievement_possible_duplicates(
            actor=request.user,
            title=serializer.validated_data["title"],
            patent_numbers=serializer.validated_data["patent_numbers"],
            exclude_pk=serializer.validated_data["exclude"],
        )
        shown = _shown(found)
        return Response(serializers.PossibleDuplicateSerializer(shown, many=True).data)

    @extend_schema(
        methods=["GET"],
        summary="IP assets of an achievement",
        responses={200: serializers.IPAssetSerializer(many=True), 404: _NOT_FOUND},
        tags=["IP assets"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Add an IP asset to a draft or returned filing",
        description="Patent application numbers are checked (format and check character) and stored "
        "in canonical form.",
        request=serializers.IPAssetInputSerializer,
        responses={201: serializers.IPAssetSerializer, 404: _NOT_FOUND},
        tags=["IP assets"],
    )
    @action(detail=True, methods=["get", "post"], url_path="ip-assets", filter_backends=[])
    def ip_assets(self, request, pk=None):
        achievement = self._achievement(pk)
        if request.method == "POST":
            require(request.user, "achievements.change_achievement", achievement)
            serializer = serializers.IPAssetInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            asset = services.ip_asset_add(
                actor=request.user, achievement=achievement, data=serializer.validated_data
            )
            data = serializers.IPAssetSerializer(asset, context={"request": request}).data
            return Response(data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(achievement.ip_assets.all())
        data = serializers.IPAssetSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)

    @extend_schema(
        methods=["GET"],
        summary="Attachments of an achievement",
        responses={200: serializers.AttachmentSerializer(many=True), 404: _NOT_FOUND},
        tags=["attachments"],
    )
    @extend_schema(
        methods=["POST"],
        summary="Attach a file to a draft or returned filing",
        description="PDF, PNG, JPEG or Office documents, recognised by their content, up to the size limit.",
        request={"multipart/form-data": serializers.AttachmentInputSerializer},
        responses={201: serializers.AttachmentSerializer, 404: _NOT_FOUND},
        tags=["attachments"],
    )
    @action(detail=True, methods=["get", "post"], parser_classes=[MultiPartParser], filter_backends=[])
    def attachments(self, request, pk=None):
        achievement = self._achievement(pk)
        if request.method == "POST":
            require(request.user, "achievements.change_achievement", achievement)
            serializer = serializers.AttachmentInputSerializer(data=request.data)
            serializer.is_valid(raise_exception=True)
            attachment = services.attachment_add(
                actor=request.user,
                achievement=achievement,
                uploaded_file=serializer.validated_data["file"],
            )
            data = serializers.AttachmentSerializer(attachment, context={"request": request}).data
            return Response(data, status=status.HTTP_201_CREATED)
        page = self.paginate_queryset(achievement.attachments.all())
        data = serializers.AttachmentSerializer(page, many=True, context={"request": request}).data
        return self.get_paginated_response(data)


# --- IP assets and attachments ----------------------------------------------------------------


class IPAssetViewSet(viewsets.GenericViewSet):
    """Changing or removing an IP asset of a draft or returned filing (adding is under the filing)."""

    permission_classes = [IsAuthenticated]
    serializer_class = serializers.IPAssetSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return IPAsset.objects.none()
        visible = selectors.achievement_visible_queryset(actor=self.request.user)
        return IPAsset.objects.filter(achievement__in=visible).select_related(
            "achievement__filing_institution"
        )

    @extend_schema(
        summary="Change an IP asset",
        request=serializers.IPAssetInputSerializer(partial=True),
        responses={200: serializers.IPAssetSerializer},
        tags=["IP assets"],
    )
    def partial_update(self, request, pk=None):
        asset = self.get_object()
        require(request.user, "achievements.change_achievement", asset.achievement)
        serializer = serializers.IPAssetInputSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        asset = services.ip_asset_update(actor=request.user, asset=asset, data=serializer.validated_data)
        return Response(serializers.IPAssetSerializer(asset, context={"request": request}).data)

    @extend_schema(summary="Remove an IP asset", responses={204: None}, tags=["IP assets"])
    def destroy(self, request, pk=None):
        asset = self.get_object()
        require(request.user, "achievements.change_achievement", asset.achievement)
        services.ip_asset_remove(actor=request.user, asset=asset)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AttachmentViewSet(viewsets.GenericViewSet):
    """Downloading an attachment, or removing it from a draft or returned filing."""

    permission_classes = [PublicReadOnly]
    serializer_class = serializers.AttachmentSerializer
    filter_backends = []
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        visible = selectors.achievement_visible_queryset(actor=self.request.user)
        return Attachment.objects.filter(achievement__in=visible).select_related(
            "achievement__filing_institution"
        )

    @extend_schema(
        summary="Download an attachment",
        description="For those who may read the achievement's detail.",
        responses={(200, "application/octet-stream"): OpenApiTypes.BINARY, 404: _NOT_FOUND},
        tags=["attachments"],
    )
    def retrieve(self, request, pk=None):
        attachment = self.get_object()
        require(request.user, "achievements.view_achievement_detail", attachment.achievement)
        return uploads.download_response(
            attachment.file, filename=attachment.original_name, content_type=attachment.content_type
        )

    @extend_schema(summary="Remove an attachment", responses={204: None}, tags=["attachments"])
    def destroy(self, request, pk=None):
        attachment = self.get_object()
        require(request.user, "achievements.change_achievement", attachment.achievement)
        services.attachment_remove(actor=request.user, attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
