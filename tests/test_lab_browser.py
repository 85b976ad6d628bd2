"""JupyterLab in a real browser (headless Chromium driven by Playwright), started with
`asyncmon lab` on a class that is not the sample, as a teacher would: the notebooks it
puts in the folder are opened and run from Lab's Run menu.

Expected figures come from the class's own rows (tests/other_class.py), not the library."""

from collections import Counter
from zoneinfo import ZoneInfo

from .browser import cell_errors, lab, run_notebook_in_lab
from .other_class import BEFORE_CLASS, import_other_class


def test_the_tour_runs_in_lab_and_draws_its_tables_and_charts(browser, tmp_path):
    raw = import_other_class(tmp_path / "ws")
    students = {p["author_id"]: p for p in raw["posts"] if p["role"] == "student"}
    problems = []
    with lab(tmp_path / "ws") as (base, token):
        page = run_notebook_in_lab(
            browser, f"{base}/lab/tree/explore.ipynb?token={token}", problems
        )
        assert cell_errors(page) == []
        assert "Looking at PHYS-9 circuits (times in America/Chicago)" in page.text_content(
            ".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stdout']"
        )
        # tables: styled frames, a status in words on its colour, a percentage
        assert page.locator(".jp-RenderedHTML table").count() >= 10
        on_time = page.locator(".jp-RenderedHTML td:text-is('on time')")
        assert on_time.count() >= 1
        colour = on_time.first.evaluate("e => getComputedStyle(e).backgroundColor")
        assert colour not in ("rgba(0, 0, 0, 0)", "transparent")
        assert page.locator(".jp-RenderedHTML td:text-matches('^\\\\d+%$')").count() >= 1
        # charts drawn by plotly in Lab: the dot chart of when students first posted has
        # one dot per weekday and hour (Chicago time) with a first post
        first = {}
        for i, post in enumerate(raw["posts"]):
            if post["author_id"] in students:  # the i-th post's time (tests/other_class.py)
                first.setdefault(post["author_id"], (12 + i // 40, 8 + i % 12))
        buckets = Counter(first.values())
        # plotly draws each figure once its output is attached: wait for the three
        page.wait_for_function(
            """() => [...document.querySelectorAll('.jp-RenderedPlotly')]
                .filter(e => e.querySelector('.main-svg')).length >= 3""",
            timeout=120_000,
        )
        dots = page.locator(".jp-RenderedPlotly").first.locator(".scatterlayer .point")
        assert dots.count() == len(buckets)
        assert str(ZoneInfo("America/Chicago")) in page.text_content(".jp-Notebook")
        page.close()
    assert problems == []


def test_the_pre_class_dashboard_works_inside_lab(browser, tmp_path):
    raw = import_other_class(tmp_path / "ws")
    students = {p["author_id"] for p in raw["posts"] if p["role"] == "student"}
    problems = []
    with lab(tmp_path / "ws", now=BEFORE_CLASS) as (base, token):
        url = f"{base}/lab/tree/pre_class_dashboard.ipynb?token={token}"
        page = run_notebook_in_lab(browser, url, problems)
        page.wait_for_selector(".asyncmon-took-part .am-card-value", timeout=120_000)
        for chart in ("asyncmon-heatmap", "asyncmon-timeline"):
            page.wait_for_selector(f".{chart} svg", timeout=120_000)
        assert cell_errors(page) == []
        assert page.text_content(".asyncmon-title").strip() == "circuits · Series and parallel"
        took_part = " ".join(page.text_content(".asyncmon-took-part .am-card-value").split())
        assert took_part == (
            f"{len(students)} of {len(students)} students before class (0 late); 0 after class"
        )
        cells = page.eval_on_selector_all(
            ".asyncmon-heatmap rect.am-cell", "els => els.map(e => e.dataset.status)"
        )
        assert len(cells) == len(students) and set(cells) == {"on_time"}
        page.close()
    assert problems == []
