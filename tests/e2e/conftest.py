"""Fixtures the browser tests share."""
import pytest
from playwright import sync_api

from tests.e2e.test_web_widget import CHROMIUM, CHROMIUM_ARGS


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, driven by Playwright (one per test module)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
