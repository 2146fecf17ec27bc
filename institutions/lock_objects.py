"""Row locks for read-modify-write on the institution network."""

from institutions.models import Designation, Organisation


def organisation_qs_select_for_update():
    return Organisation.objects.select_for_update().order_by("pk")


def designation_qs_select_for_update():
    return Designation.objects.select_for_update(of=("self",)).select_related("organisation").order_by("pk")
