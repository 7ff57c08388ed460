"""The site's pictures, as the templates call them.

Pictures are drawn as inline SVG by ``templates/_charts.html``; whatever
geometry is more than a template should compute is worked out in Python,
one module per picture:

- ``chartscale.py``: lengths in hundredths of a percent, bars split into segments;
- ``stancebars.py``: the stance bars, on one scale across a page;
- ``timeline.py``: the articles that carry a claim, by publication date;
- ``agreementchart.py``: the agreement matrix of actors on /compare/ and its pair list.

Everything there reads only the analysis objects a page is rendered from,
so a picture never shows data from outside its page's declared sources.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from ..core.translations import Interface
from . import agreementchart, timeline


def template_globals(words: Interface) -> dict[str, Any]:
    """What ``_charts.html`` calls, in the site's language; registered in environment.make_environment."""
    return {
        "pictures": {
            "timeline": partial(timeline.timeline, words=words),
            "pair_text": partial(agreementchart.pair_text, words=words),
            "agreement_chart": agreementchart.agreement_chart,
            "pair_summaries": agreementchart.pair_summaries,
            "agreement_matrix": agreementchart.agreement_matrix,
            "agreement_groups": agreementchart.agreement_groups,
            "listed_pairs": agreementchart.listed_pairs,
            "OUTCOMES": agreementchart.OUTCOMES,
            "OUTCOME_LABELS": agreementchart.OUTCOME_LABELS,
        }
    }
