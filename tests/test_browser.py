"""The section page in a real browser: Debian's Chromium driven by Selenium, against
`phatthanh serve` on 127.0.0.1. Skips with a notice when Chromium or its driver is absent
(.ci/run installs them)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from phatthanh.pipeline import BuildResult
from tests.serving import free_port, serving
from tests.sitecheck import copy_station

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
ARTIFACTS = Path(__file__).parent / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-dev-shm-usage", "--mute-audio")  # fmt: skip

pytestmark = pytest.mark.skipif(
    CHROMIUM is None or DRIVER is None,
    reason="NOTICE: chromium/chromedriver not installed: browser tests skipped "
    "(apt-get install chromium chromium-driver)",
)


@pytest.fixture(scope="module")
def served(first_build: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`phatthanh serve` (the real command, in its own process) over a copy of the build."""
    config = copy_station(first_build, tmp_path_factory.mktemp("browser"))
    port = free_port()
    toml = config.root / "phatthanh.toml"
    toml.write_text(f'[station]\nbase_url = "http://127.0.0.1:{port}"\n', "utf-8")
    subprocess.run([sys.executable, "-m", "phatthanh", "feed", "--config", str(toml)], check=True)
    with serving(toml, port) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=str(DRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()


def _wait(driver: object, script: str, tries: int = 300) -> object:
    """Poll a JavaScript expression until it is truthy (bounded by tries, not by the clock)."""
    for _ in range(tries):
        value = driver.execute_script(f"return {script};")  # type: ignore[attr-defined]
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"never true in the browser: {script}")


def test_chapter_click_seeks_and_highlights_the_transcript(
    served: str, browser: object, first_build: BuildResult
) -> None:
    from selenium.webdriver.common.by import By

    driver = browser
    record = first_build.record
    driver.set_window_size(390, 844)  # type: ignore[attr-defined]
    driver.get(served + "/site")  # type: ignore[attr-defined]
    assert driver.current_url == served + "/site/"  # type: ignore[attr-defined]
    heading = driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
    assert heading == "Chương trình phát thanh"
    driver.find_element(By.LINK_TEXT, record.title).click()  # type: ignore[attr-defined]
    assert driver.current_url.endswith(f"/site/{record.slug}.html")  # type: ignore[attr-defined]
    _wait(driver, "document.getElementById('trinh-phat').readyState >= 1")
    duration = _wait(driver, "document.getElementById('trinh-phat').duration")
    assert abs(float(duration) - record.audio.duration_s) < 0.5  # type: ignore[arg-type]

    chapter = record.chapters[2]
    links = driver.find_elements(By.CSS_SELECTOR, "nav.muc a[data-seek]")  # type: ignore[attr-defined]
    assert len(links) == len(record.chapters)
    links[2].click()
    now = float(_wait(driver, "document.getElementById('trinh-phat').currentTime"))  # type: ignore[arg-type]
    assert abs(now - chapter.start_ms / 1000) < 0.05
    lit = driver.find_elements(By.CSS_SELECTOR, ".cac-doan li.dang-doc")  # type: ignore[attr-defined]
    assert len(lit) == 1
    start, end = float(lit[0].get_attribute("data-start")), float(lit[0].get_attribute("data-end"))
    assert start <= now < end
    assert lit[0].get_attribute("aria-current") == "true"
    background = lit[0].value_of_css_property("background-color")
    assert background == "rgba(255, 243, 191, 1)"  # the highlight colour, from site.css

    ARTIFACTS.mkdir(exist_ok=True)
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", lit[0])  # type: ignore[attr-defined]
    assert driver.save_screenshot(str(ARTIFACTS / "site-phone.png"))  # type: ignore[attr-defined]
    errors = [
        entry
        for entry in driver.get_log("browser")  # type: ignore[attr-defined]
        if entry["level"] in ("SEVERE", "ERROR")
    ]
    assert errors == []


def test_index_fits_a_phone_and_keyboard_reaches_the_player(
    served: str, browser: object, first_build: BuildResult
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.set_window_size(360, 740)  # type: ignore[attr-defined]
    driver.get(served + "/site/")  # type: ignore[attr-defined]
    width = driver.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 360  # no sideways scrolling on a small phone
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / "site-index-phone.png"))  # type: ignore[attr-defined]
    driver.get(served + f"/site/{first_build.record.slug}.html")  # type: ignore[attr-defined]
    body = driver.find_element(By.TAG_NAME, "body")  # type: ignore[attr-defined]
    body.send_keys(Keys.TAB)
    focused = driver.switch_to.active_element  # type: ignore[attr-defined]
    assert focused.text == "Chuyển đến nội dung chính"
    width = driver.execute_script("return document.documentElement.scrollWidth")  # type: ignore[attr-defined]
    assert width <= 360
    assert os.environ.get("NO_PROXY")  # the browser talks only to 127.0.0.1
