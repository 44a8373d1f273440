"""What the browser tests share: Debian's chromium (never a skip when missing), axe on
every page looked at with a photograph at 1280 and 360 px into ``.data/screenshots``, and
a login through the dev people picker. The fixtures serving the app and launching the
browser are in conftest.py."""

import os
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.async_playwright import Axe
from playwright.async_api import Browser, Page, expect

SHOTS = Path(os.environ.get("KINERJA_SCREENSHOTS", ".data/screenshots"))
SERIOUS = {"serious", "critical"}
CHROMIUM_MISSING = (
    "Chromium tidak ditemukan. `make test` memasangnya (apt-get install chromium, sebagai "
    "root); atau pasang sendiri lalu ulangi."
)
checked_pages: list[str] = []


def chromium_path() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        pytest.fail(CHROMIUM_MISSING)  # never a skip: the browser tests are the web's proof
    return found


async def look(page: Page, name: str) -> None:
    """Check the page with axe and photograph it wide and narrow."""
    results = await Axe().run(page)
    serious = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert serious == [], results.generate_report()
    checked_pages.append(name)
    for width in (1280, 360):
        await page.set_viewport_size({"width": width, "height": 900})
        await page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
    await page.set_viewport_size({"width": 1280, "height": 900})


async def press_tab_until(page: Page, text: str, most: int = 60) -> None:
    """Move the focus with Tab alone until it rests on the control showing ``text``."""
    for _ in range(most):
        await page.keyboard.press("Tab")
        focused = await page.evaluate("document.activeElement && document.activeElement.innerText")
        if focused and text in focused:
            return
    pytest.fail(f"{text!r} cannot be reached with the Tab key")


async def log_in(browser: Browser, base: str, name: str) -> Page:
    context = await browser.new_context(base_url=base, locale="id-ID")
    page = await context.new_page()
    await page.goto("/beranda")
    await expect(page).to_have_url(f"{base}/masuk?lanjut=/beranda")
    await page.get_by_role("link", name="Pilih pegawai demo").click()
    await page.get_by_role("button", name=name).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return page
