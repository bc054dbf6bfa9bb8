"""SPEC 5: after a rating the kiosk asks at most 3 follow-up questions chosen by the rating,
in large type, and the whole screen fits without scrolling in landscape and portrait."""

import pytest

from tests.browser.conftest import enrolled_page, screen, shot

pytestmark = [pytest.mark.browser, pytest.mark.slow]

KIOSK_SETTINGS = {"cooldown_seconds": 0, "reset_seconds": 1, "idle_seconds": 60}
VIEWPORTS = {
    "landscape": {"width": 1280, "height": 800},
    "portrait": {"width": 800, "height": 1280},
}
UNITS = {"tthc_one_stop": "sai-gon", "school_public": "q1-mn-ben-thanh", "health_public": "q1-ttyt"}

MEASURE = """() => {
  const section = document.querySelector('[data-screen=followup]');
  const shown = [...section.querySelectorAll('[data-question]')].filter((q) => !q.hidden);
  const legends = shown.map((q) => parseFloat(getComputedStyle(q.querySelector('legend')).fontSize));
  const submit = section.querySelector('[data-action=submit]').getBoundingClientRect();
  return {
    questions: shown.map((q) => q.dataset.question),
    smallestLegend: Math.min(...legends),
    pageHeight: document.documentElement.scrollHeight,
    submitBottom: submit.bottom,
  };
}"""


@pytest.mark.parametrize("survey", sorted(UNITS))
def test_the_follow_up_fits_one_screen_for_every_rating(
    seeded, runner, kiosk_server, new_context, survey
):
    context, page = enrolled_page(new_context, kiosk_server, runner, UNITS[survey])
    for orientation, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for rating in (1, 2, 3, 4, 5):
            page.wait_for_selector(screen("start"))
            page.click(f"[data-rating='{rating}']")
            page.wait_for_selector(f"{screen('followup')}, {screen('thanks')}")
            if page.is_visible(screen("followup")):
                found = page.evaluate(MEASURE)
                if rating == 1:  # the longest: what went wrong
                    shot(page, f"followup-{survey}-{orientation}")
                assert 1 <= len(found["questions"]) <= 3, found
                assert found["smallestLegend"] >= 22, found
                assert found["pageHeight"] <= viewport["height"], (rating, orientation, found)
                assert found["submitBottom"] <= viewport["height"], (rating, orientation, found)
                page.click("[data-action=submit]")
            page.wait_for_selector(screen("thanks"))
    context.close()
