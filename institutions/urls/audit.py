"""The audit log page (platform admins; officials for their jurisdiction)."""

from django.urls import path

from institutions.views import audit as views_audit

app_name = "audit"

urlpatterns = [
    path("", views_audit.audit_log, name="log"),
    path("export/", views_audit.audit_log_export, name="export"),
]
