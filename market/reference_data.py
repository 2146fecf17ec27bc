"""Registration rule-set versions, loaded from ``market/data/registration_rule_sets.json`` by a data
migration and by ``manage.py load_reference_data``; the file records its sources."""

import json
from datetime import date
from pathlib import Path

RULE_SETS_FILE = Path(__file__).resolve().parent / "data" / "registration_rule_sets.json"


def load_rule_sets(rule_set_model) -> int:
    """Creates or refreshes every rule set of the data file; returns how many there are."""
    entries = json.loads(RULE_SETS_FILE.read_text(encoding="utf-8"))["rule_sets"]
    for entry in entries:
        rule_set_model.objects.update_or_create(
            code=entry["code"],
            defaults={
                "name": entry["name"],
                "source": entry["source"],
                "effective_from": date.fromisoformat(entry["effective_from"]),
                "effective_to": date.fromisoformat(entry["effective_to"]) if entry["effective_to"] else None,
                "decision_days": entry["decision_days"],
                "application_window_days": entry["application_window_days"],
                "categories": entry["categories"],
                "statistical_categories": entry["statistical_categories"],
                "note": entry["note"],
            },
        )
    return len(entries)
