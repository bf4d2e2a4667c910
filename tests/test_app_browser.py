"""End to end: ``streamlit run app.py`` on the small test store, driven in Debian's headless chromium
through selenium and /usr/bin/chromedriver. Screenshots of every page go to test-artifacts/app/
(ignored by git; APP_ARTIFACTS overrides the folder).

``.ci/run`` installs chromium and chromium-driver (scripts/system_packages.sh); without them this test
skips and says so.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_explore import OFFICIALESE, TOP_TITLE, shared_app_store

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ARTIFACTS = Path(os.environ.get("APP_ARTIFACTS", ROOT / "test-artifacts" / "app"))

pytestmark = pytest.mark.skipif(
    not (Path(CHROMIUM).is_file() and Path(CHROMEDRIVER).is_file()),
    reason="chromium of chromedriver ontbreekt: apt-get install chromium chromium-driver (scripts/system_packages.sh)",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    store = shared_app_store(tmp_path_factory)
    port = _free_port()
    log = (tmp_path_factory.mktemp("serverlog") / "streamlit.log").open("w")
    env = {**os.environ, "ANALYZER_STORE": str(store), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", "--server.maxUploadSize", "50",
         "--server.fileWatcherType", "none", "--client.toolbarMode", "minimal"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            if proc.poll() is not None:
                pytest.fail(f"streamlit stopte meteen: zie {log.name}")
            time.sleep(0.5)
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1400,1800",
        "--accept-lang=nl-NL",  # a Dutch browser: the tables' numbers follow navigator.languages (199.603)
    ):
        options.add_argument(arg)  # fmt: skip
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()


def _wait_for_text(driver, text: str, timeout: float = 90) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    def seen(d) -> bool:
        body = d.find_element("tag name", "body").text
        return text in body and "Running..." not in body

    WebDriverWait(driver, timeout, poll_frequency=0.5).until(seen, message=f"'{text}' verscheen niet")


def _tooltips(driver, title: str) -> str:
    """The tooltips of the page's chart bars that name ``title``, found by moving the mouse over every bar."""
    from selenium.webdriver.common.action_chains import ActionChains

    seen = []
    for bar in driver.find_elements("css selector", "[data-testid='stVegaLiteChart'] svg .mark-rect path"):
        ActionChains(driver).move_to_element(bar).perform()
        tip = driver.execute_script(
            "const e = document.getElementById('vg-tooltip-element');"
            "return e && e.classList.contains('visible') ? e.innerText : '';"
        )
        if title in tip:
            seen.append(tip)
    return "\n".join(seen)


def _shot(driver, name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def test_pages_in_a_real_browser(server, browser, tmp_path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(f"{server}/")  # the landing page lives at the root
    _wait_for_text(browser, "Grootste pieken")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Overzicht" in body and "Gesprekken" in body
    assert "Traceback" not in body and "Page not found" not in body
    assert _shot(browser, "1-overzicht").stat().st_size > 10_000
    # Streamlit's Vega honours the charts' Dutch locale: 1.550 letters in the week of 23 February, not 1550
    assert "1.550" in _tooltips(browser, "brieven verstuurd"), "geen Nederlandse getallen in de tooltip"

    browser.get(f"{server}/brieven")
    _wait_for_text(browser, "Brief bekijken")
    # The letter shown first is the top of the ranking.
    _wait_for_text(browser, TOP_TITLE)
    assert "Page not found" not in browser.find_element(By.TAG_NAME, "body").text
    headers = [h.text for h in browser.find_elements(By.CSS_SELECTOR, "h2")]
    assert any(TOP_TITLE in h for h in headers), headers
    WebDriverWait(browser, 30).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".letter .hot mark")))
    _shot(browser, "2-brieven")
    # The Onderwerpen tab: where the letter's calls come from, with the reasons and an example note.
    tab = next(t for t in browser.find_elements(By.CSS_SELECTOR, "[role='tab']") if "Onderwerpen" in t.text)
    tab.click()
    _wait_for_text(browser, "komen uit één onderwerp")
    _wait_for_text(browser, "noemt de brief")
    _shot(browser, "2b-brieven-onderwerpen")

    browser.get(f"{server}/gesprekken")
    _wait_for_text(browser, "Onderwerp bekijken")
    chart = (By.CSS_SELECTOR, "[data-testid='stVegaLiteChart']")
    WebDriverWait(browser, 60).until(ec.presence_of_element_located(chart))
    _shot(browser, "3-gesprekken")

    browser.get(f"{server}/concept")
    _wait_for_text(browser, "Nog geen tekst om te controleren")
    # Streamlit's own uploader texts are English; the page's style sheet shows Dutch ones in their place
    for selector in (
        "[data-testid=stFileUploaderDropzone] button p",
        "[data-testid=stFileUploaderDropzoneInstructions] span",
    ):
        WebDriverWait(browser, 60).until(ec.presence_of_element_located((By.CSS_SELECTOR, selector)))
    shown = browser.execute_script(
        "const q = s => getComputedStyle(document.querySelector(s), '::after').content;"
        "return [q('[data-testid=stFileUploaderDropzone] button p'),"
        " q('[data-testid=stFileUploaderDropzoneInstructions] span')];"
    )
    assert shown == ['"Bestand kiezen"', '"of sleep het hierheen • hooguit 5 MB • TXT, DOCX, PDF, MD, ODT"'], shown
    # A file over 5 MB reaches the page (the widget allows 50) and gets a Dutch message, not Streamlit's English one
    big = tmp_path / "groot concept.txt"
    big.write_bytes(b"Geachte heer,\n" * 450_000)  # 6.3 MB
    browser.find_element(By.CSS_SELECTOR, "[data-testid=stFileUploaderDropzoneInput]").send_keys(str(big))
    _wait_for_text(browser, "groot concept.txt: het bestand is groter dan 5 MB")
    browser.find_element(By.CSS_SELECTOR, "[data-testid=stFileChipDeleteBtn] button").click()
    _wait_for_text(browser, "Nog geen tekst om te controleren")
    area = browser.find_element(By.CSS_SELECTOR, "textarea")
    area.send_keys(OFFICIALESE)
    button = next(b for b in browser.find_elements(By.TAG_NAME, "button") if b.text.strip() == "Controleren")
    button.click()
    WebDriverWait(browser, 90).until(ec.presence_of_element_located((By.CSS_SELECTOR, "mark.f-officialese")))
    _wait_for_text(browser, "Gecontroleerd in")  # the page's last line: everything above has rendered
    marks = [m.text for m in browser.find_elements(By.CSS_SELECTOR, "mark.f-officialese")]
    assert any(m.lower() in {"indien", "onderhavige", "derhalve", "middels"} for m in marks), marks
    assert "Traceback" not in browser.find_element(By.TAG_NAME, "body").text
    _shot(browser, "4-concept")
