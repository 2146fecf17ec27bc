"""Reads of the dual-use catalogues: drafts only for those who manage them."""

from django.db.models import QuerySet
from django.http import Http404

from achievements.choices import CatalogueStatus
from achievements.models import DualUseCatalogue


def catalogue_list(*, actor, include_drafts: bool = False) -> QuerySet[DualUseCatalogue]:
    queryset = DualUseCatalogue.objects.all()
    if not (include_drafts and actor.has_perm("achievements.manage_catalogues")):
        queryset = queryset.filter(status=CatalogueStatus.PUBLISHED)
    return queryset.order_by("-published_on", "-pk")


def catalogue_get(*, pk: int, actor) -> DualUseCatalogue:
    try:
        catalogue = DualUseCatalogue.objects.get(pk=pk)
    except DualUseCatalogue.DoesNotExist as error:
        raise Http404 from error
    if catalogue.status != CatalogueStatus.PUBLISHED and not actor.has_perm("achievements.manage_catalogues"):
        raise Http404
    return catalogue
