"""The site's own lines on every page (the footer): who operates it, how to reach them and its ICP
filing, from the settings ``SITE_OPERATOR``, ``SITE_CONTACT`` and ``SITE_ICP`` (empty hides a line)."""

from dataclasses import dataclass

from django import template
from django.conf import settings

register = template.Library()


@dataclass(frozen=True)
class SiteLines:
    operator: str
    contact: str
    icp: str


@register.simple_tag
def site_lines() -> SiteLines:
    """``{% site_lines as site %}``: the footer's settings, read at render time."""
    return SiteLines(
        operator=settings.SITE_OPERATOR.strip(),
        contact=settings.SITE_CONTACT.strip(),
        icp=settings.SITE_ICP.strip(),
    )
