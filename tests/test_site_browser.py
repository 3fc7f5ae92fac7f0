"""The schema browser in a real browser: Debian's chromium driven through /usr/bin/chromedriver by
Selenium (never Selenium Manager downloads), one browser session for the whole run.

The site is built with `llm-hub docs build` and served with `llm-hub docs serve --port 0`, as a user
would; one test also opens it from file://. Every test fails on a console error. axe-core (pinned in
tests/browser/package-lock.json) runs inside the pages. Screenshots of the home page, a type page,
search results, a diff, the dark scheme and a narrow screen are saved to build/screenshots/.

chromium, chromedriver and axe-core are installed by `make browser-deps` (a prerequisite of
`make pytest`); without them these tests fail with the command to run, they never skip.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hub_runner import Hub
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import WebDriverWait

from llm_analytics_hub.codegen.ir import ObjectType
from llm_analytics_hub.codegen.site.catalog import Catalog, load_catalog

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
AXE = ROOT / "tests" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "build" / "screenshots"
INSTALL_HINT = "run `make browser-deps` (apt: chromium chromium-driver; npm: tests/browser)"
LLM_HUB = [sys.executable, "-m", "llm_analytics_hub.cli"]  # as tests/hub_runner.py runs it


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog(ROOT / "schemas")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, hub: Hub) -> Path:
    out = tmp_path_factory.mktemp("site") / "site"
    built = hub("docs", "build", "--out", out, cwd=ROOT)
    assert built.returncode == 0, built.stderr
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    server = subprocess.Popen([*LLM_HUB, "docs", "serve", "--no-build", "--dir", str(site), "--port", "0"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    assert server.stdout is not None
    line = server.stdout.readline()
    try:
        assert line.startswith("serving "), f"docs serve printed {line!r}; stderr: {server.stderr.read()}"
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def driver(base_url: str) -> Iterator[WebDriver]:
    for needed in (CHROMIUM, CHROMEDRIVER, AXE):
        assert needed.exists(), f"{needed} is missing: {INSTALL_HINT}"
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--disable-gpu", "--no-first-run"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ["SE_OFFLINE"] = "true"  # belt and braces: Selenium Manager must never download
    browser = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": base_url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    yield browser
    browser.quit()


@pytest.fixture(autouse=True)
def no_console_errors(request: pytest.FixtureRequest) -> Iterator[None]:
    """Every browser test ends with an empty list of console errors (logs drained before it starts)."""
    if "driver" not in request.fixturenames:
        yield
        return
    browser: WebDriver = request.getfixturevalue("driver")
    browser.get_log("browser")
    yield
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], f"console errors: {errors}"


def open_page(driver: WebDriver, base_url: str, path: str) -> None:
    driver.get(base_url + path)
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return document.readyState") == "complete")


def search(driver: WebDriver, query: str) -> list[WebElement]:
    box = driver.find_element(By.ID, "search-input")
    box.clear()
    box.send_keys(query)
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "search-panel").is_displayed())
    return driver.find_elements(By.CSS_SELECTOR, "#search-results a")


def shot(driver: WebDriver, name: str) -> None:
    path = SCREENSHOTS / f"{name}.png"
    assert driver.save_screenshot(str(path)), f"no screenshot written to {path}"
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def hit(result: WebElement) -> dict[str, str]:
    """The parts of one search result as the user reads them."""
    def part(selector: str) -> str:
        found = result.find_elements(By.CSS_SELECTOR, selector)
        return found[0].text if found else ""
    return {"name": part(".hit-name"), "where": part(".hit-where"), "match": part(".hit-match")}


def target_id(driver: WebDriver) -> Any:
    return driver.execute_script("var t = document.querySelector(':target'); return t ? t.id : null;")


def test_search_finds_a_type_by_a_member_name_and_the_keyboard_opens_it(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url, "index.html")
    shot(driver, "home")
    results = search(driver, "total_latency_ms")
    shot(driver, "search-results")
    hits = [hit(r) for r in results]
    assert hits and {h["name"] for h in hits} == {"LatencyMetrics"}, hits
    assert {h["where"] for h in hits} == {"events \u00b7 1.1.0 \u00b7 object (closed)",
                                          "events \u00b7 1.0.0 \u00b7 object (closed)"}
    assert {h["match"] for h in hits} == {"member total_latency_ms"}

    box = driver.find_element(By.ID, "search-input")
    box.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element == results[0]
    driver.switch_to.active_element.send_keys(Keys.ARROW_DOWN)
    assert driver.switch_to.active_element == results[1]
    driver.switch_to.active_element.send_keys(Keys.ARROW_UP)
    assert driver.switch_to.active_element == results[0]
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    WebDriverWait(driver, 5).until(lambda d: "LatencyMetrics.html" in d.current_url)
    assert driver.current_url.endswith("1.1.0/events/LatencyMetrics.html#field-total_latency_ms")
    assert target_id(driver) == "field-total_latency_ms"
    row = driver.find_element(By.ID, "field-total_latency_ms")
    assert driver.execute_script("var r = arguments[0].getBoundingClientRect(); "
                                 "return r.top >= 0 && r.bottom <= window.innerHeight;", row)


def test_search_by_enum_value_and_description_words(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url, "1.0.0/index.html")
    by_value = [hit(r) for r in search(driver, "budget_alert")]
    assert any(h["match"] == "value budget_alert" for h in by_value), by_value
    by_words = [hit(r)["name"] for r in search(driver, "time to first token")]
    assert "LatencyMetrics" in by_words
    assert driver.find_element(By.ID, "search-status").text.startswith(f"{len(by_words)} result")
    nothing = search(driver, "zzzz-no-such-thing")
    assert nothing == [] and "No type matches" in driver.find_element(By.ID, "search-status").text


def test_a_link_to_a_referenced_type_lands_on_its_section(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url, "1.1.0/events/AnalyticsEvent.html#field-payload")
    assert target_id(driver) == "field-payload"
    driver.find_element(By.CSS_SELECTOR, "#field-payload a.type-link").click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/1.1.0/events/EventPayload.html"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "EventPayload"
    tags = [e.text for e in driver.find_elements(By.CSS_SELECTOR, "table.variants tbody th code")]
    assert '"telemetry"' in tags
    driver.find_element(By.CSS_SELECTOR, "#variant-telemetry a.type-link").click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/1.1.0/events/TelemetryPayload.html"))
    driver.find_element(By.CSS_SELECTOR, "#variant-latency a.type-link").click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/1.1.0/events/LatencyMetrics.html"))
    assert driver.find_element(By.ID, "field-total_latency_ms").is_displayed()


def test_the_version_switcher_keeps_you_on_the_same_type(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url, "1.1.0/events/TokenUsageMetrics.html")
    current = driver.find_element(By.CSS_SELECTOR, "nav.versions a[aria-current='page']")
    assert current.text == "1.1.0"
    driver.find_element(By.XPATH, "//nav[@class='versions']/a[text()='1.0.0']").click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/1.0.0/events/TokenUsageMetrics.html"))
    assert driver.find_element(By.TAG_NAME, "h1").text == "TokenUsageMetrics"
    assert "version 1.0.0" in driver.find_element(By.CSS_SELECTOR, ".meta").text
    driver.find_element(By.XPATH, "//nav[@class='versions']/a[text()='1.1.0']").click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("/1.1.0/events/TokenUsageMetrics.html"))

    open_page(driver, base_url, "1.1.0/events/ModalityTokenCounts.html")  # new in 1.1.0
    absent = driver.find_element(By.XPATH, "//nav[@class='versions']/a[text()='1.0.0']")
    assert absent.get_attribute("class") == "absent"
    assert absent.get_attribute("title") == "ModalityTokenCounts is not in 1.0.0"
    assert absent.get_attribute("href").endswith("/1.0.0/index.html")


def test_the_diff_view_lists_the_1_1_0_additions_of_token_usage_metrics(driver: WebDriver, base_url: str,
                                                                       catalog: Catalog) -> None:
    old = catalog.find("1.0.0", "events", "TokenUsageMetrics")
    new = catalog.find("1.1.0", "events", "TokenUsageMetrics")
    assert isinstance(old, ObjectType) and isinstance(new, ObjectType)
    expected = sorted({f.wire for f in new.fields} - {f.wire for f in old.fields})
    assert {"cache_read_input_tokens", "reasoning_tokens", "prompt_tokens_by_modality"} <= set(expected)

    open_page(driver, base_url, "1.1.0/events/TokenUsageMetrics.html")
    driver.find_element(By.LINK_TEXT, "1.0.0 \u2192 1.1.0").click()
    WebDriverWait(driver, 5).until(lambda d: "/diff/1.0.0--1.1.0/events/TokenUsageMetrics.html" in d.current_url)
    shot(driver, "diff")
    assert "minor" in driver.find_element(By.CSS_SELECTOR, ".verdict").text
    rows = driver.find_elements(By.CSS_SELECTOR, "#added tbody tr")
    cells = [[c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")] for row in rows]
    assert sorted(c[0] for c in cells) == expected
    assert {(c[1], c[2]) for c in cells} == {("property-added-optional", "compatible (minor)")}
    assert all(c[4] == "" and "(optional)" in c[5] for c in cells)
    changed = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#changed tbody th")]
    assert "prompt_tokens" in changed  # its description changed (cosmetic)
    first = rows[0].find_element(By.CSS_SELECTOR, "th a")
    first.click()
    WebDriverWait(driver, 5).until(lambda d: "/1.1.0/events/TokenUsageMetrics.html#field-" in d.current_url)
    assert target_id(driver) == f"field-{sorted(c[0] for c in cells)[0]}"


def test_copy_buttons_hold_exactly_what_they_show(driver: WebDriver, base_url: str, catalog: Catalog) -> None:
    typedef = catalog.find("1.1.0", "events", "TokenUsageMetrics")
    assert typedef is not None
    open_page(driver, base_url, "1.1.0/events/TokenUsageMetrics.html")
    shot(driver, "type-page")
    examples = driver.find_elements(By.CSS_SELECTOR, "figure.example")
    assert len(examples) == len(typedef.examples) > 0
    for figure, expected in zip(examples, typedef.examples, strict=True):
        text = figure.find_element(By.CSS_SELECTOR, "button.copy").get_attribute("data-copy")
        assert text == figure.find_element(By.TAG_NAME, "pre").text
        assert json.loads(text) == expected

    usage = {f.find_element(By.CSS_SELECTOR, ".snippet-label").get_attribute("textContent"):
             f.find_element(By.CSS_SELECTOR, "button.copy").get_attribute("data-copy")
             for f in driver.find_elements(By.CSS_SELECTOR, "figure.usage")}
    assert usage["Python dataclass"] == "from llm_analytics_hub.models.v1_1_0.events import TokenUsageMetrics"
    assert usage["Rust"] == "use llm_analytics_hub_schemas::v1_1_0::events::TokenUsageMetrics;"
    assert usage["Java"] == "import io.llmanalyticshub.schemas.v1_1_0.events.TokenUsageMetrics;"
    go_module = "github.com/llm-analytics-hub/llm-analytics-hub/generated/go"
    assert usage["Go"].startswith(f'import events "{go_module}/v1_1_0/events"')
    assert 'from "@llm-analytics-hub/schemas"' in usage["TypeScript (npm)"]
    for language in ("Python dataclass", "Python TypedDict"):  # the Python lines really import the type
        namespace: dict[str, Any] = {}
        exec(usage[language], namespace)
        assert namespace["TokenUsageMetrics"].__name__ == "TokenUsageMetrics"
    bundle = ROOT / usage["JSON Schema bundle"]
    assert json.loads(bundle.read_text())["title"] == "TokenUsageMetrics"

    button = driver.find_elements(By.CSS_SELECTOR, "figure.usage button.copy")[0]
    button.click()
    WebDriverWait(driver, 5).until(lambda d: "copied" in (button.get_attribute("class") or ""))
    clipboard = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "navigator.clipboard.readText().then(done, function (e) { done('read failed: ' + e); });")
    assert clipboard == button.get_attribute("data-copy")


def test_the_site_works_from_file_urls(driver: WebDriver, site: Path) -> None:
    driver.get((site / "1.0.0" / "index.html").as_uri())
    results = search(driver, "TimeWindow")
    names = [hit(r)["name"] for r in results]
    assert names.count("TimeWindow") == 4  # two areas, two versions
    results[0].click()
    WebDriverWait(driver, 5).until(lambda d: d.current_url.endswith("TimeWindow.html"))
    assert driver.current_url.startswith("file://")
    qualified = driver.find_element(By.CSS_SELECTOR, ".qualified").text
    assert "Qualified name" in qualified and ".TimeWindow" in qualified


def test_narrow_screen_and_dark_scheme(driver: WebDriver, base_url: str) -> None:
    try:
        driver.set_window_size(390, 844)
        open_page(driver, base_url, "1.1.0/events/LatencyMetrics.html")
        overflow = driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth;")
        assert overflow <= 0, f"the page is {overflow}px wider than a 390px screen"
        shot(driver, "narrow-type-page")
    finally:
        driver.set_window_size(1280, 900)
    background = driver.execute_script("return getComputedStyle(document.body).backgroundColor;")
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    try:
        open_page(driver, base_url, "1.1.0/events/LatencyMetrics.html")
        dark = driver.execute_script("return getComputedStyle(document.body).backgroundColor;")
        assert (background, dark) == ("rgb(255, 255, 255)", "rgb(13, 17, 23)")
        shot(driver, "dark-type-page")
        assert_accessible(driver)
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": []})


def assert_accessible(driver: WebDriver) -> None:
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); },"
        " function (e) { done('axe failed: ' + e); });")
    assert isinstance(result, list), result
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result
           if v["impact"] in ("serious", "critical")]
    assert bad == [], f"{driver.current_url}: {bad}"


@pytest.mark.parametrize("path", ["index.html", "1.1.0/index.html", "1.1.0/changelog.html",
                                  "1.1.0/events/AnalyticsEvent.html", "1.1.0/metrics/TimeWindow.html",
                                  "1.0.0/events/EventPayload.html",
                                  "diff/1.0.0--1.1.0/events/TokenUsageMetrics.html"])
def test_axe_finds_no_serious_violation(driver: WebDriver, base_url: str, path: str) -> None:
    open_page(driver, base_url, path)
    assert_accessible(driver)


def test_axe_finds_no_serious_violation_with_search_results_open(driver: WebDriver, base_url: str) -> None:
    open_page(driver, base_url, "index.html")
    assert search(driver, "tokens")
    assert_accessible(driver)
