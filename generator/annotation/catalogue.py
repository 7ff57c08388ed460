"""The claims and actors an annotation form searches, from the last good build's content.

Drafts are listed too, marked (``draft: true``), with or without ``--drafts``: an editor may
annotate for a claim still in draft. A claim's ``unit`` (null: none) is what the form's unit
field tells the editor a figure counts unless they say otherwise.
"""

from __future__ import annotations

from typing import Any

from ..core.model import Content


def catalogue(content: Content | None) -> dict[str, Any]:
    if content is None:
        return {"ok": True, "claims": [], "actors": [], "outlets": []}
    return {
        "ok": True,
        "claims": [{"id": c.id, "statement": c.statement, "draft": c.draft, "unit": c.unit}
                   for c in sorted_by_id(content.claims)],
        "actors": [{"id": a.id, "name": a.name, "aliases": list(a.aliases), "kind": a.kind}
                   for a in sorted_by_id(content.actors)],
        "outlets": [{"id": o.id, "name": o.name} for o in sorted_by_id(content.outlets)],
    }


def sorted_by_id(records: dict) -> list:
    return [records[key] for key in sorted(records)]
