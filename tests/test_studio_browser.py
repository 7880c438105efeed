"""The studio in a real browser: Debian's chromium driven by Selenium through chromedriver
(never a downloaded browser), against the studio served by uvicorn on 127.0.0.1.

One walk through a staff member's job: paste an article, keep a line the rules dropped,
see the risky token, fix its reading with a lexicon entry, build one tiny article with the
offline voice, play the result, publish it, find the episode in the feed; then send an
emergency bulletin from its form. On every page: no console errors, axe-core
(vendored in tests/vendor, not shipped) finds no label, keyboard or contrast violations,
and screenshots at desktop and phone widths go to tests/artifacts/studio/ (gitignored).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from phatthanh.studio import make_app
from tests.conftest import BASE_URL, ROOT

CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")
if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
    pytest.skip(
        "chromium or chromedriver is not installed (apt-get install chromium chromium-driver); "
        "the studio's browser test is SKIPPED",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

ARTIFACTS = ROOT / "tests" / "artifacts" / "studio"
AXE = (ROOT / "tests" / "vendor" / "axe.min.js").read_text("utf-8")
# Written for this test: a title, a date line, one short paragraph with an unknown
# abbreviation, a "see also" line the rules drop, an author.
ARTICLE = (
    "Thôn Đồng Lúa sửa xong đường nội đồng\n\n08:00, Thứ Tư, 25-11-2026\n\n"
    "Bà con thôn Đồng Lúa cùng TĐQN làm xong con đường ra đồng.\n\n"
    "Xem thêm: lịch làm đường của thôn\n\nTrần Thị Hoa\n"
)
SEE_ALSO = "//li[contains(., 'Xem thêm: lịch làm đường')]"
DESKTOP, PHONE = (1280, 900), (390, 844)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def studio_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    project = tmp_path_factory.mktemp("studio")
    (project / "phatthanh.toml").write_text(
        f'[station]\nbase_url = "{BASE_URL}"\n\n[voices]\nengine = "espeak"\n\n'
        '[master]\nrenditions = ["podcast"]\n',
        "utf-8",
    )
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(make_app(project / "phatthanh.toml"), "127.0.0.1", port, log_level="error")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    started = threading.Event()
    for _ in range(400):  # bounded: the server starts or the test fails
        if server.started:
            started.set()
            break
        started.wait(0.05)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    os.environ["SE_OFFLINE"] = "true"  # selenium-manager must never download anything
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--autoplay-policy=no-user-gesture-required", "--lang=vi-VN"):  # fmt: skip
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.set_window_size(*DESKTOP)
    yield driver
    driver.quit()


def check_page(driver: Any, name: str) -> None:
    """No console errors, no axe violations, and screenshots at both widths."""
    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert not errors, errors
    driver.execute_script(AXE)
    result = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'best-practice']}).then(r => done("
        "r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target).join(' '))))"
    )
    assert result == [], f"{name}: {result}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        driver.set_window_size(*size)
        driver.save_screenshot(str(ARTIFACTS / f"{name}-{label}.png"))
    driver.set_window_size(*DESKTOP)


def wait_for(driver: Any, script: str, timeout_s: float = 300) -> Any:
    return WebDriverWait(driver, timeout_s, poll_frequency=0.2).until(
        lambda d: d.execute_script(script)
    )


def test_from_pasted_article_to_published_episode(browser: Any, studio_url: str) -> None:
    driver = browser
    driver.get(f"{studio_url}/bai-viet")
    check_page(driver, "1-bai-viet-trong")
    box = driver.find_element(By.ID, "noi_dung")
    box.send_keys(ARTICLE)
    driver.find_element(By.CSS_SELECTOR, "form[action='/bai-viet/dan'] button").click()
    # the form posts and the page reloads; click() does not wait for the new page, so the
    # heading is awaited (a plain find_element raced the reload on a busy CI machine)
    title = "Thôn Đồng Lúa sửa xong đường nội đồng"
    wait_for(driver, f"const h = document.querySelector('h3'); "
                     f"return h !== null && h.innerText.includes('{title}')", 30)  # fmt: skip
    assert title in driver.find_element(By.TAG_NAME, "h3").text
    assert "Trần Thị Hoa" in driver.page_source
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    assert "dropped" in driver.find_element(By.XPATH, SEE_ALSO).get_attribute("class")
    driver.find_element(By.XPATH, f"{SEE_ALSO}//button[text()='Giữ lại dòng này']").click()
    wait_for(driver, "return document.querySelector('li.kept.editor') !== null", 30)
    driver.find_element(By.CSS_SELECTOR, "details summary").click()
    assert "người biên tập giữ lại" in driver.find_element(By.XPATH, SEE_ALSO).text
    check_page(driver, "2-bai-viet")

    driver.get(f"{studio_url}/doc")
    risky = driver.find_elements(By.CSS_SELECTOR, "table mark.risk")
    assert [m.text for m in risky] == ["TĐQN"]
    spoken = driver.find_elements(By.CSS_SELECTOR, "td.spoken")
    assert not any("tổ đổi công" in s.text for s in spoken)
    driver.find_element(By.CSS_SELECTOR, "button.play").click()  # hear the title
    duration = wait_for(driver, "const a = document.getElementById('nghe-cau');"
                                "return a.readyState >= 1 && a.duration", 60)  # fmt: skip
    assert duration > 0.5
    check_page(driver, "3-kiem-tra-cach-doc")
    driver.find_element(By.ID, "viet").send_keys("TĐQN")
    driver.find_element(By.ID, "doc").send_keys("tổ đổi công Quyết Thắng" + Keys.ENTER)
    wait_for(driver, "return !document.querySelector('table mark.risk')", 30)
    spoken = [s.text for s in driver.find_elements(By.CSS_SELECTOR, "td.spoken")]
    assert any("cùng tổ đổi công Quyết Thắng làm xong" in s for s in spoken), spoken
    assert any("lịch làm đường của thôn" in s for s in spoken), spoken  # the kept line

    driver.get(f"{studio_url}/chuong-trinh")
    driver.find_element(By.ID, "tieu_de").send_keys("Bản tin thử của studio")
    driver.execute_script("document.getElementById('ngay').value = '2026-11-25'")
    driver.find_element(By.ID, "khung_gio").send_keys("06:00")
    driver.find_element(By.XPATH, "//button[text()='Lưu chương trình']").click()
    # the form posts and the page reloads: wait for the new page, not the old one
    saved = "Phát lúc 2026-11-25 06:00"
    wait_for(driver, "const e = document.getElementById('thu-tu'); "
                     f"return e !== null && e.parentElement.innerText.includes('{saved}')",
             30)  # fmt: skip
    check_page(driver, "4-chuong-trinh")

    driver.get(f"{studio_url}/dung")
    check_page(driver, "5-dung")
    driver.find_element(By.XPATH, "//button[text()='Bắt đầu dựng']").click()
    wait_for(driver, "return document.querySelector('figure.rendition audio') !== null")
    duration = wait_for(driver, "const a = document.querySelector('figure.rendition audio');"
                                "return a.readyState >= 1 && a.duration", 60)  # fmt: skip
    assert duration > 3
    assert "LUFS" in driver.page_source and "chưa phát hành" in driver.page_source
    check_page(driver, "6-dung-xong")
    feed_now = (
        "const done = arguments[arguments.length - 1];"
        "fetch('/feeds/podcast.xml', {cache: 'no-store'}).then(r => r.text()).then(done)"
    )
    driver.find_element(By.ID, "phat-hanh").click()
    wait_for(driver, "return document.body.innerText.includes('Đã phát hành.')", 60)
    assert "<title>Bản tin thử của studio</title>" in driver.execute_async_script(feed_now)
    driver.get(f"{studio_url}/da-phat")
    episode = driver.find_element(By.CSS_SELECTOR, "article.episode")
    assert "Bản tin thử của studio" in episode.text and "có trong nguồn tin" in episode.text
    check_page(driver, "7-da-phat")

    driver.get(f"{studio_url}/ban-tin-khan")
    check_page(driver, "8-ban-tin-khan")
    driver.find_element(By.ID, "noi_dung").send_keys("Chiều nay mất điện ở thôn Đồng Lúa.")
    driver.find_element(By.ID, "tieu_de").send_keys("Thông báo mất điện")
    driver.find_element(By.CSS_SELECTOR, "#lap option[value='1']").click()
    driver.find_element(By.XPATH, "//button[text()='Dựng và phát bản tin']").click()
    wait_for(driver, "return document.body.innerText.includes('Đã phát hành.')")
    assert "Thông báo mất điện" in driver.find_element(By.ID, "ket-qua").text
    check_page(driver, "9-ban-tin-xong")
    assert "<title>Thông báo mất điện</title>" in driver.execute_async_script(feed_now)


def test_keyboard_reaches_every_page_and_shows_focus(browser: Any, studio_url: str) -> None:
    driver = browser
    driver.get(f"{studio_url}/bai-viet")
    body = driver.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    first = driver.switch_to.active_element
    assert first.text == "Bỏ qua menu, đến nội dung"
    assert driver.execute_script(
        "return getComputedStyle(document.activeElement).outlineStyle"
    ) not in ("none", "")
    reached = []
    for _ in range(8):  # the skip link, then the six pages in order
        reached.append(driver.switch_to.active_element.text)
        driver.switch_to.active_element.send_keys(Keys.TAB)
    assert reached[1:7] == [
        "Bài viết", "Kiểm tra cách đọc", "Chương trình", "Dựng và phát hành", "Bản tin khẩn",
        "Các chương trình đã phát",
    ]  # fmt: skip
    for _ in range(2):
        driver.switch_to.active_element.send_keys(Keys.SHIFT + Keys.TAB)
    driver.switch_to.active_element.send_keys(Keys.ENTER)  # Các chương trình đã phát
    assert driver.current_url.endswith("/da-phat")
