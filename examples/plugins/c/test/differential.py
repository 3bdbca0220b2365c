#!/usr/bin/env python3
"""Gives the C qualifier and the Rust reference the same random inputs.

Each input is a random lead, activity history and config (valid and invalid
values, numbers as text, odd domains, activity outside the window or in the
future); both plug-ins are called through `leadhost eval qualify` and must
agree word for word: the same decision, or the same refusal. Inputs are
seeded, so a failure can be replayed with the same --seed.

Closes with `N passed, M failed`.

Usage: differential.py --plugin C.wasm --against REF.wasm [--count N]
                       [--seed S] [--leadhost BIN] [--cache-dir DIR]
"""

import argparse
import datetime
import json
import os
import random
import sys
import tempfile

sys.dont_write_bytecode = True  # no __pycache__ beside the sources
from check import evaluate  # noqa: E402

DAY_MS = 86_400_000
DOMAINS = [
    "northwind.example", "Fabrikam.Example", "uni-hamburg.edu", "cs.ox.ac.uk", "rival.example",
    "sales.rival.example", "notrival.example", "  padded.example\t", "ÉCOLE.fr", "ΣΟΦΟΣ.gr", "İstanbul.example",
    "school.EDU", "", "x.ac.uk.example",
]
KINDS = [
    "page-visit", "download", "webinar", "email-open", "email-click", "email-reply",
    "form", "answer", "meeting", "call", "other",
]
VALID = {  # values each key accepts, some given as text
    "min-budget": [0, 5000, 10000, 20000, 25000.5, 1e22, " 25000 ", "1e4"],
    "max-timeline-days": [0, 30, 45.5, 90, 120, "90", "+7"],
    "sales-ready-score": [0, 50, 70, 70.9, 99, 100, "60", 3e9],
    "required-criteria": [0, 1, 2, 3, 4, "4", " 2 "],
    "inactive-days": [0, 0.5, 30, 180, 1e300, "\u00a0120\u3000"],
    "behaviour-window-days": [0, 7.25, 30, 90, 365, 1e300, ".5", "5."],
}
INVALID = [-1, -0.5, 2.5, 5, True, "lots", "", "0x10", "1_000", "inf", "-inf", "NaN", "-1e3", "tab\t\"q\""]
LISTS = ["", "rival.example", " Rival.Example , other.example,", ".edu", "edu", ".EDU, .Ac.Uk", "ox.ac.uk", "example"]


def timestamp(ms):
    moment = datetime.datetime.fromtimestamp(ms / 1000, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"


def maybe(rng, value, chance=0.7):
    return value if rng.random() < chance else None


def random_input(rng):
    now = 1_795_435_200_000 + rng.randrange(0, 400) * DAY_MS  # around 2026-11-24
    domain = rng.choice(DOMAINS)
    lead = {
        "id": f"lead-{rng.randrange(10_000)}",
        "email": rng.choice([f"jo@{domain.strip()}", "no-at-sign", "a@b@rival.example", f"x@{rng.choice(DOMAINS).strip()}"]),
        "created_at": timestamp(now - rng.randrange(-5 * DAY_MS, 500 * DAY_MS)),
        "domain": maybe(rng, rng.choice(DOMAINS), 0.5),
        "budget": maybe(rng, rng.choice([rng.randrange(0, 100_000), round(rng.uniform(0, 50_000), 2), 1e22, 1e-7, 0, -5.5])),
        "authority": maybe(rng, rng.choice(["decision-maker", "influencer", "user", "none"])),
        "need": maybe(rng, rng.choice(["high", "medium", "low", "none"]), 0.8),
        "timeline_days": maybe(rng, rng.choice([rng.randrange(0, 400), 0, 90, 91, 4_294_967_295])),
    }
    if rng.random() < 0.4:  # a strong lead, so that sales-ready verdicts come up too
        lead.update(budget=rng.choice([20000, 60000, 12345.67]), authority=rng.choice(["decision-maker", "influencer"]),
                    need=rng.choice(["high", "medium"]), timeline_days=rng.randrange(0, 120),
                    created_at=timestamp(now - rng.randrange(0, 60 * DAY_MS)))
    lead = {key: value for key, value in lead.items() if value is not None}
    activities = [
        {
            "kind": rng.choice(KINDS),
            "at": timestamp(now - rng.randrange(-10 * DAY_MS, 200 * DAY_MS)),
            "detail": rng.choice(["", "/pricing", "q1: yes"]),
        }
        for _ in range(rng.choice([0, 0, 1, 2, 4, 8, 12]))
    ]
    config = {}
    for key, values in VALID.items():
        if rng.random() < 0.3:
            config[key] = rng.choice(values) if rng.random() < 0.85 else rng.choice(INVALID)
    for key in ["competitor-domains", "discard-domain-suffixes"]:
        if rng.random() < 0.3:
            config[key] = rng.choice([rng.choice(LISTS), rng.choice(LISTS), 5])
    if not config:
        config = {"min-budget": 10000}  # an input without config would take the org's in an org folder
    return {"lead": lead, "activities": activities, "config": config, "now": timestamp(now)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--plugin", required=True)
    parser.add_argument("--against", required=True)
    parser.add_argument("--count", type=int, default=150)
    parser.add_argument("--seed", type=int, default=20261124)
    parser.add_argument("--leadhost", default=os.environ.get("LEADHOST", "leadhost"))
    parser.add_argument("--cache-dir")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    passed = failed = 0
    outcomes = {}
    with tempfile.TemporaryDirectory() as scratch:
        for index in range(args.count):
            path = os.path.join(scratch, f"input-{index}.json")
            with open(path, "w", encoding="utf-8") as file:
                json.dump(random_input(rng), file)
            mine = evaluate(args.leadhost, args.plugin, path, [], args.cache_dir)
            reference = evaluate(args.leadhost, args.against, path, [], args.cache_dir)
            kind = mine[0] if mine[0] != "ok" else mine[1]["stage"]
            outcomes[kind] = outcomes.get(kind, 0) + 1
            if mine[:2] == reference[:2] and mine[0] != "error":
                passed += 1
            else:
                failed += 1
                with open(path, encoding="utf-8") as file:
                    shown = file.read()
                print(f"FAIL input {index} (seed {args.seed}): {shown}\n    C:    {mine[0]} {json.dumps(mine[1])}"
                      f"\n    Rust: {reference[0]} {json.dumps(reference[1])}")
    print("outcomes: " + ", ".join(f"{kind} {count}" for kind, count in sorted(outcomes.items())))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
