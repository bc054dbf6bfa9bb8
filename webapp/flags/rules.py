"""The flag rules (SPEC 7), as plain functions over what they need of each response.

The same code judges a sync batch at ingest (webapp.sync.services) and a whole period again
in `flask responses reflag` (flags.services), so that changing a rule or its configuration and
re-running gives the answer ingest would have given.

- burst: counting this response, more than FLAG_BURST_COUNT responses of this kiosk have a
  corrected submission time in the FLAG_BURST_SECONDS ending at it;
- off_hours: its corrected local time (TIMEZONE) is outside OFFICE_HOURS_START..END or its
  weekday is not in OFFICE_WEEKDAYS (0 = Monday);
- replay: an earlier-arrived response of this kiosk, with another id, has the same survey
  version, answers and device started/submitted times to the microsecond. A real citizen
  cannot produce that (cooldown, clock); a re-sent or scripted copy does. The copy arriving
  later is flagged, the first one is not;
- drift: the kiosk's share of 5s on the response's local day is far above the kiosk's own
  previous FLAG_DRIFT_HISTORY_DAYS (flags.stats.rises_above), both with FLAG_DRIFT_MIN_N
  answers or more. It needs a month of history per kiosk-day, too costly inside every sync
  request, so only `flask responses reflag` (run nightly) evaluates it.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from webapp.flags.stats import Proportion, rises_above

BURST = "burst"
OFF_HOURS = "off_hours"
REPLAY = "replay"
DRIFT = "drift"
# The rules judged one response at a time (ingest and reflag); DRIFT is per kiosk-day.
PER_RESPONSE = (BURST, OFF_HOURS, REPLAY)


@dataclass(frozen=True)
class Subject:
    """What the per-response rules read of a response."""

    submitted_at: datetime  # clock-corrected
    signature: Hashable  # replay_signature(...)


def replay_signature(version_id, started, submitted, answers_key) -> tuple:
    return (version_id, started, submitted, answers_key)


def office_hours(config: Mapping) -> tuple[time, time, frozenset[int], ZoneInfo]:
    start = time.fromisoformat(str(config["OFFICE_HOURS_START"]))
    end = time.fromisoformat(str(config["OFFICE_HOURS_END"]))
    weekdays = frozenset(int(day) for day in config["OFFICE_WEEKDAYS"])
    return start, end, weekdays, ZoneInfo(config["TIMEZONE"])


def burst_window(config: Mapping) -> timedelta:
    return timedelta(seconds=int(config["FLAG_BURST_SECONDS"]))


def replay_window(config: Mapping) -> timedelta:
    """How far around a response its stored copies are looked for at ingest."""
    return timedelta(seconds=int(config["CLOCK_SKEW_TOLERANCE_SECONDS"]))


def response_flags(
    subjects: Sequence[Subject],
    config: Mapping,
    earlier: Iterable[Subject] = (),
) -> list[list[str]]:
    """The per-response flags of `subjects` (one kiosk's, in the order they arrived).

    `earlier`: that kiosk's responses already known around them (stored before a sync batch);
    they count towards bursts and are the first copies for replays, and are not judged.
    """
    burst_count = int(config["FLAG_BURST_COUNT"])
    window = burst_window(config)
    start, end, weekdays, zone = office_hours(config)
    earlier = list(earlier)
    seen = {s.signature for s in earlier}
    times = sorted([s.submitted_at for s in earlier] + [s.submitted_at for s in subjects])
    result = []
    for subject in subjects:
        flags = []
        moment = subject.submitted_at
        in_window = bisect.bisect_right(times, moment) - bisect.bisect_left(times, moment - window)
        if in_window > burst_count:
            flags.append(BURST)
        local = moment.astimezone(zone)
        if local.weekday() not in weekdays or not start <= local.time() < end:
            flags.append(OFF_HOURS)
        if subject.signature in seen:
            flags.append(REPLAY)
        seen.add(subject.signature)
        result.append(flags)
    return result


def drift_days(
    answers: Iterable[tuple[int, date, int]], judged: Iterable[date], config: Mapping
) -> set[tuple[int, date]]:
    """The (kiosk id, local day) among the `judged` days whose share of 5s drifted.

    `answers`: (kiosk id, local day, overall) of the responses the figures would count apart
    from drift (no other flag, overall 1-5), over the judged days and the history before them.
    A drift-flagged day stays in the history of the days after it: it is what the kiosk did.
    """
    minimum = int(config["FLAG_DRIFT_MIN_N"])
    history_days = int(config["FLAG_DRIFT_HISTORY_DAYS"])
    per_day: dict[int, dict[date, Proportion]] = defaultdict(dict)
    for kiosk_id, day, overall in answers:
        share = per_day[kiosk_id].setdefault(day, Proportion(0, 0))
        share.n += 1
        share.fives += overall == 5
    judged = set(judged)
    found = set()
    for kiosk_id, days in per_day.items():
        for day, own in days.items():
            if day not in judged or own.n < minimum:
                continue
            first = day - timedelta(days=history_days)
            history = Proportion(0, 0)
            for other, share in days.items():
                if first <= other < day:
                    history.fives += share.fives
                    history.n += share.n
            if history.n >= minimum and rises_above(own, history):
                found.add((kiosk_id, day))
    return found
