"""Benchmark: the institution directory page and the institutions API as the network grows.

Measures, for each size, the median and 95th percentile of in-process request time (Django's test
client, so no network) and the number of queries per request, for a visitor and for a city official
filtering their jurisdiction. Writes ``bench/results/directory.json`` and its section of
``docs/benchmarks.md`` (``bench/report.py``). Run with ``make bench`` or ``python bench/run.py
directory`` (it uses a database of its own, ``tianfu_bench``, on the embedded server or the server in
``DATABASE_URL``).
"""

from datetime import UTC, datetime

from django.db import connection
from django.test import Client

from bench import generate, report
from bench.measure import measure
from institutions.choices import MembershipRole, OrganisationKind
from institutions.identifiers import make_credit_code
from institutions.models import Membership, Organisation, Region
from institutions.roles import forget_roles

SIZES = (1_000, 10_000, 50_000)
REPEAT = 30

CASES = {
    "directory page, visitor": ("visitor", "/institutions/"),
    "directory page, visitor, search + field": ("visitor", "/institutions/?q=天府&field=01"),
    "directory page, 成都 official, jurisdiction": (
        "official",
        "/institutions/?scope=jurisdiction&city=510100",
    ),
    "institutions API, visitor, 100 per page": ("visitor", "/api/v1/institutions/?page_size=100"),
    "institutions API, region filter": ("visitor", "/api/v1/institutions/?region=510100"),
    "network page (province)": ("visitor", "/institutions/network/"),
}


def _official():
    from accounts.models import User

    department, _ = Organisation.objects.get_or_create(
        name="基准成都市科学技术局",
        defaults={
            "credit_code": make_credit_code("11510100", "BM900001"),
            "kind": OrganisationKind.GOVERNMENT_DEPARTMENT,
            "region": Region.objects.get(code="510100"),
        },
    )
    user, created = User.objects.get_or_create(username="bench-official")
    if created:
        user.set_password("Bench#2026x")
        user.save()
    Membership.objects.get_or_create(
        user=user, organisation=department, defaults={"role": MembershipRole.OFFICIAL}
    )
    forget_roles(user)
    return user


def run() -> dict:
    clients = {"visitor": Client(HTTP_HOST="127.0.0.1"), "official": Client(HTTP_HOST="127.0.0.1")}
    clients["official"].force_login(_official())
    results = {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "repeat": REPEAT, "sizes": {}}
    for size in SIZES:
        total = generate.institutions(size)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"{total} institutions")
        results["sizes"][str(total)] = {
            name: measure(clients[who], path, REPEAT) for name, (who, path) in CASES.items()
        }
        for name, figures in results["sizes"][str(total)].items():
            print(f"  {name}: {figures}")
    report.save("directory", results)
    return results


if __name__ == "__main__":
    run()
