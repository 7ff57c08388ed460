"""The licence a site's content is published under: ``licence`` in site.yaml.

Editors write either an SPDX id or the licence's address. The ids are
checked against a short list of the licences used for published writing
and data (below), not the whole SPDX list: the software licences that make
up most of it say nothing sensible about fact checks, and a typo such as
``CC-BY-40`` should be an error with a suggestion, not a licence nobody
meant. Any other licence is given by its http(s) URL.

The licence is used where a reader or a machine looks for it: ``/about/data/``,
the Atom feeds (``<rights>``), the ClaimReview and DataFeed JSON-LD
(``license``, a URL), ``claims.json`` and ``annotations.jsonld``. A site
without one says "not stated" and nothing assumes one.
"""

from __future__ import annotations

from ..core.diagnostics import did_you_mean
from ..core.markup import is_web_url
from ..core.model import Licence

# SPDX id → (name as SPDX gives it, the licence's canonical address).
KNOWN_LICENCES: dict[str, tuple[str, str]] = {
    "CC0-1.0": ("Creative Commons Zero v1.0 Universal", "https://creativecommons.org/publicdomain/zero/1.0/"),
    "CC-BY-3.0": ("Creative Commons Attribution 3.0 Unported", "https://creativecommons.org/licenses/by/3.0/"),
    "CC-BY-4.0": ("Creative Commons Attribution 4.0 International", "https://creativecommons.org/licenses/by/4.0/"),
    "CC-BY-SA-3.0": ("Creative Commons Attribution Share Alike 3.0 Unported",
                     "https://creativecommons.org/licenses/by-sa/3.0/"),
    "CC-BY-SA-4.0": ("Creative Commons Attribution Share Alike 4.0 International",
                     "https://creativecommons.org/licenses/by-sa/4.0/"),
    "CC-BY-ND-4.0": ("Creative Commons Attribution No Derivatives 4.0 International",
                     "https://creativecommons.org/licenses/by-nd/4.0/"),
    "CC-BY-NC-4.0": ("Creative Commons Attribution Non Commercial 4.0 International",
                     "https://creativecommons.org/licenses/by-nc/4.0/"),
    "CC-BY-NC-SA-4.0": ("Creative Commons Attribution Non Commercial Share Alike 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-sa/4.0/"),
    "CC-BY-NC-ND-4.0": ("Creative Commons Attribution Non Commercial No Derivatives 4.0 International",
                        "https://creativecommons.org/licenses/by-nc-nd/4.0/"),
    "ODbL-1.0": ("Open Data Commons Open Database License v1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "ODC-By-1.0": ("Open Data Commons Attribution License v1.0", "https://opendatacommons.org/licenses/by/1-0/"),
    "PDDL-1.0": ("Open Data Commons Public Domain Dedication & License 1.0",
                 "https://opendatacommons.org/licenses/pddl/1-0/"),
}


def parse_licence(text: str) -> Licence:
    """The licence ``text`` names; ValueError (its message says why) when it
    is neither a known SPDX id nor an http(s) URL.

    SPDX ids match whatever their case (as the SPDX specification says), and
    are written back in SPDX's. The address of a known licence is that
    licence: a page can then give its name rather than a bare URL.
    """
    by_lower = {spdx.lower(): spdx for spdx in KNOWN_LICENCES}
    if text.lower() in by_lower:
        return known(by_lower[text.lower()])
    if is_web_url(text):
        spdx = next((spdx for spdx, (_, url) in KNOWN_LICENCES.items() if same_address(url, text)), None)
        return known(spdx) if spdx else Licence(url=text)
    names = ", ".join(KNOWN_LICENCES)
    raise ValueError(
        f"'{text}' is neither an SPDX id of a content licence ({names}) nor an http(s) URL"
        + did_you_mean(text, KNOWN_LICENCES)
    )


def known(spdx: str) -> Licence:
    name, url = KNOWN_LICENCES[spdx]
    return Licence(url=url, spdx=spdx, name=name)


def same_address(a: str, b: str) -> bool:
    """Two addresses of one licence: "http://…/by/4.0" is "https://…/by/4.0/"."""
    def plain(url: str) -> str:
        return url.split("://", 1)[-1].rstrip("/").lower()
    return plain(a) == plain(b)
