"""Reads of the Excel import batches: an institution's members (and partners acting for it) see its batches."""

from django.http import Http404

from achievements.models import ImportBatch
from institutions.roles import actor_roles


def import_batch_get(*, pk: int, actor) -> ImportBatch:
    roles = actor_roles(actor)
    queryset = ImportBatch.objects.select_related("institution")
    if not roles.is_platform_admin:
        queryset = queryset.filter(institution_id__in=roles.member_of | roles.partner_of)
    try:
        return queryset.get(pk=pk)
    except ImportBatch.DoesNotExist as error:
        raise Http404 from error
