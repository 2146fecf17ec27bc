"""Playwright with Debian's Chromium against pytest-django's live server.

Browser tests are marked ``browser``; they fail (never skip) when Chromium is missing, because CI
installs it (``.ci/run``) and a skipped journey proves nothing.

Every page a test visits is checked with axe-core (WCAG 2.1 A and AA, the basis of GB/T 37668 for
government sites): the ``page`` fixture audits each document once it has loaded, before the test acts on
it, and the test fails at its end listing every violation found (``pytest_runtest_call`` below).
Every page is also watched for Content-Security-Policy violations (an inline script, an ``eval``, a
file from another site that the policy blocked): the test fails on any, the same way.
"""

import os
from functools import wraps
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--lang=zh-CN"]
SCREENSHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results/screenshots"))
# vendored for the tests only: no page of the site loads it; the test adds it as a file of the site,
# since the Content-Security-Policy refuses an inline script
AXE = "/static/vendor/axe-core/axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# Third-party API documentation for partners' developers (Swagger UI, Redoc, vendored from
# drf-spectacular-sidecar): their markup and palette are the vendors' (nested buttons, pale method badges),
# and what axe sees depends on how far the schema has rendered. Every page of the platform itself is audited.
UNAUDITED_PATHS = ("/api/docs/", "/api/redoc/")
# the Page methods a test acts through: each first audits a document loaded since the last audit
AUDITED_METHODS = (
    "goto", "reload", "go_back", "click", "fill", "check", "select_option", "set_input_files",
    "press", "locator", "get_by_role", "get_by_text", "get_by_label", "screenshot", "evaluate",
)  # fmt: skip

# Playwright's sync API runs an event loop in this thread; Django must still allow ORM calls here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    yield from audited_page(browser, live_server, width=1280, height=900)


@pytest.fixture
def phone(browser, live_server):
    """A page the size of a common phone's screen (390×844 CSS pixels)."""
    yield from audited_page(browser, live_server, width=390, height=844)


def audited_page(browser, live_server, *, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    audit_accessibility(page)
    watch_content_security_policy(page)
    yield page
    context.close()


def watch_content_security_policy(page) -> list[str]:
    """Collects the page's CSP violations (``page.csp_violations``): Chromium reports each refusal on
    the console ("… violates the following Content Security Policy directive …")."""
    violations: list[str] = []

    def console(message) -> None:
        if "Content Security Policy" in message.text:
            path = page.url.removeprefix(getattr(page, "base_url", ""))
            violations.append(f"{path}: {message.text}")

    page.on("console", console)
    page.csp_violations = violations
    return violations


class AccessibilityAudit:
    """axe-core's findings on the documents one page showed, each document audited once.

    A navigation (a link, a form's redirect, htmx pushing a URL) only marks the page as due: the
    event handler may not act on the page, and the test may still be on its way. The next method the
    test calls on the page (AUDITED_METHODS) waits for the load and audits first, so what is audited
    is the document the test saw, whatever the speed of the machine.
    """

    def __init__(self, page):
        self.page = page
        self.due = False
        self.auditing = False
        self.violations: list[str] = []
        page.on("framenavigated", self.navigated)

    def navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.due = True

    def run(self) -> None:
        if not self.due or self.auditing or self.page.is_closed():
            return
        self.auditing = True
        try:
            self.page.wait_for_load_state("load")
            self.due = False
            url = self.page.url
            if url.startswith("about:") or url.removeprefix(getattr(self.page, "base_url", "")).startswith(
                UNAUDITED_PATHS
            ):
                return
            if not self.page.evaluate("typeof window.axe !== 'undefined'"):
                self.page.add_script_tag(url=AXE)
            result = self.page.evaluate(
                """tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})
                   .then(r => r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                       nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n').slice(1).join(' ').trim()),
                       count: v.nodes.length})))""",
                AXE_TAGS,
            )
        finally:
            self.auditing = False
        path = url.removeprefix(getattr(self.page, "base_url", ""))
        for violation in result:
            nodes = "\n      ".join(violation["nodes"])
            self.violations.append(
                f"{path} [{violation['id']}, {violation['impact']}] {violation['help']}"
                f" ({violation['count']} elements)\n      {nodes}"
            )


def audit_accessibility(page) -> AccessibilityAudit:
    """Audits every document the page shows (see AccessibilityAudit); ``page.accessibility_audit``."""
    audit = AccessibilityAudit(page)
    for name in AUDITED_METHODS:
        method = getattr(page, name)

        @wraps(method)
        def audited(*args, _method=method, **kwargs):
            audit.run()
            return _method(*args, **kwargs)

        setattr(page, name, audited)
    page.accessibility_audit = audit
    return audit


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Fails a browser test whose pages broke WCAG 2.1 A/AA or the Content-Security-Policy, once the
    test itself has passed."""
    result = yield
    violations, csp_violations = [], []
    for name in ("page", "phone"):
        audit = getattr(item.funcargs.get(name), "accessibility_audit", None)
        if audit is not None:
            audit.run()  # the last document the test saw
            violations += audit.violations
        csp_violations += getattr(item.funcargs.get(name), "csp_violations", [])
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} WCAG 2.1 A/AA violations:\n" + "\n".join(violations),
            pytrace=False,
        )
    if csp_violations:
        pytest.fail(
            f"{len(csp_violations)} Content-Security-Policy violations:\n" + "\n".join(csp_violations),
            pytrace=False,
        )
    return result


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
