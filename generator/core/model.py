"""The site's data model: plain dataclasses, no behaviour beyond small helpers.

``validate`` produces the records (``Article``, ``Claim``, ``Actor``,
``Outlet``, ``Mention``) whose references are still ids; ``link`` resolves
them into a :class:`Graph` of objects that pages are rendered from.

The records are frozen: a later stage makes records of its own (a
:class:`Quote` for each mention, with the highlight's ``anchor``) instead of
writing into an earlier stage's, which ``serve`` keeps from one rebuild to
the next. What differs for one run (``--base-url``) is a new record too
(:meth:`Content.with_base_url`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import Optional

from .layout import DEFAULT_OUTPUT
from .markup import Document

# A mention's stance, as the content files and the open data spell it (the
# words pages use for them are in ``wording.py``).
SUPPORTS, DISPUTES, NEUTRAL = STANCES = ("supports", "disputes", "neutral")
# An origin's or an actor's position on a claim, from all its statements
# (``tallies.position_of``): a stance, or both sides in different statements.
BOTH = "both"
POSITIONS = (*STANCES, BOTH)


def with_trailing_slash(url: str) -> str:
    """Base URLs name a folder: relative links resolve inside it only with the slash."""
    return url if url.endswith("/") else url + "/"


@dataclass(frozen=True, order=True)
class PartialDate:
    """A publication date that may be known only to the month or the year."""

    year: int
    month: Optional[int] = None
    day: Optional[int] = None

    def iso(self) -> str:
        parts = [f"{self.year:04d}"]
        if self.month:
            parts.append(f"{self.month:02d}")
        if self.day:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    description: str
    colour: str
    rank: int  # 0 for the best-supported end of the scale


@dataclass(frozen=True)
class Publisher:
    """The organisation that publishes the fact checks (schema.org ``author``)."""

    name: str
    url: str | None = None


@dataclass(frozen=True)
class Licence:
    """The licence the site's content is published under (``licence`` in site.yaml).

    ``spdx`` is the SPDX id when the editors gave one (or a URL this
    generator knows for one); ``url`` is always there, the licence's text.
    """

    url: str
    spdx: str | None = None
    name: str | None = None  # the licence's full name, when known

    @property
    def label(self) -> str:
        """How a page names it: "Creative Commons Attribution 4.0 International (CC-BY-4.0)", or its URL."""
        if self.name and self.spdx:
            return f"{self.name} ({self.spdx})"
        return self.url


@dataclass(frozen=True)
class SiteConfig:
    title: str
    description: str
    base_url: str
    language: str
    verdicts: tuple[Verdict, ...]
    output: str = DEFAULT_OUTPUT
    publisher: Publisher | None = None  # None: the site itself (title, base_url)
    licence: Licence | None = None  # None: not stated, and nothing assumes one

    def verdict(self, verdict_id: str | None) -> Verdict | None:
        return next((v for v in self.verdicts if v.id == verdict_id), None)


@dataclass(frozen=True)
class Mention:
    """One annotated quote: who said what about which claim, in which article."""

    article_id: str
    claim_id: str
    stance: str
    quote: str
    line: int  # line of the mention in the article file
    actor_id: str | None = None
    via_id: str | None = None
    value: int | float | None = None
    # Whose figure ``value`` is, when the speaker gives it as someone else's
    # (an actor or outlet id): "the media admitted 22" is not the speaker's count.
    value_attributed_to: str | None = None
    note: str | None = None
    # The quote in the site's language, when the article is in another one
    # (``translation:``). Anchoring, highlights and links use ``quote``, the original.
    translation: str | None = None
    # What ``value`` counts, when it is not what the claim's figures count
    # (``unit:``): "22 al-Qaeda members" on a claim that counts AQIS members.
    unit: str | None = None
    # Where the quote sits in the article text: (start, end) offsets of each
    # quoted segment (several when the quote elides text with "…").
    spans: tuple[tuple[int, int], ...] = ()


def reading_position(mention: Mention) -> tuple:
    """Where a mention's quote starts in its article's text, then its line in
    the file: sorted by it, an article's quotes are in reading order."""
    return (mention.spans[0][0] if mention.spans else 0, mention.line)


@dataclass(frozen=True)
class Skip:
    """A passage of an article the editors leave unannotated on purpose, and
    why (``skip:``): ``check --coverage`` does not list it; pages never show it."""

    passage: str
    reason: str
    line: int  # of 'passage' in the article file
    spans: tuple[tuple[int, int], ...] = ()  # where the passage is in the text, as a mention's quote


@dataclass(frozen=True)
class Article:
    id: str
    path: str
    title: str
    outlet_id: str
    url: str | None = None
    published: PartialDate | None = None
    author: str | None = None
    seed: str | None = None
    mentions: list[Mention] = field(default_factory=list)
    draft: bool = False
    language: str | None = None  # a language tag when the text is not in the site's language
    # The source gives no headline: ``title`` is the editors' own description.
    title_by_editors: bool = False
    skips: tuple[Skip, ...] = ()
    # The body, converted once during validation: quotes are anchored in its
    # text and highlighted in its tree. The Markdown source is not kept (no
    # stage reads it again; at 10,000 articles it was 50 MB of every build).
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Relation:
    """``claim`` (this file) ``relation`` ``other`` — e.g. "supersedes"."""

    other_id: str
    relation: str
    line: int


@dataclass(frozen=True, order=True)
class Update:
    date: datetime.date
    note: str


@dataclass(frozen=True)
class Claim:
    id: str
    path: str
    statement: str
    verdict_id: str | None = None
    # Why the editors deliberately leave the claim unrated (a characterisation,
    # not a checkable statement); never together with ``verdict_id``.
    not_rated: str | None = None
    summary: str | None = None
    reviewed: datetime.date | None = None
    unit: str | None = None
    draft: bool = False
    related: tuple[Relation, ...] = ()
    updates: tuple[Update, ...] = ()  # oldest first
    verdict_line: int = 1  # where a message about the verdict points
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Actor:
    id: str
    path: str
    name: str
    kind: str  # "person" or "organisation"
    role: str | None = None
    affiliation_id: str | None = None
    aliases: tuple[str, ...] = ()
    party: bool = False  # an organisation that stands as a party of its own despite its affiliation (affiliation.py)
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Outlet:
    id: str
    path: str
    name: str
    url: str | None = None
    country: str | None = None
    owner: str | None = None
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class SitePage:
    """A page of the site's own, written by the editors (``content/pages/<id>.md``):
    the methodology page ``/about/``, say. Published at ``/<id>/``."""

    id: str
    path: str
    title: str
    description: str | None = None
    verdict_scale: bool = False  # show site.yaml's verdict scale under the text
    document: Document | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class Content:
    """Everything that passed validation, still keyed by id."""

    config: SiteConfig
    articles: dict[str, Article]
    claims: dict[str, Claim]
    actors: dict[str, Actor]
    outlets: dict[str, Outlet]
    pages: dict[str, SitePage] = field(default_factory=dict)

    def with_base_url(self, base_url: str) -> Content:
        """The same content published at another address (``--base-url``, or
        the preview server's own)."""
        return replace(self, config=replace(self.config, base_url=with_trailing_slash(base_url)))


# --- the linked graph -------------------------------------------------------


@dataclass(frozen=True, order=True)
class Voice:
    """Who a statement is counted under: an actor, or an outlet speaking in its
    own voice. The same shape serves a quote's speaker, its independent origin
    (see ``link.py``) and whoever a figure is attributed to."""

    kind: str  # "actor" or "outlet"
    id: str
    name: str = field(compare=False)

    @property
    def key(self) -> tuple[str, str]:
        return (self.kind, self.id)


@dataclass(frozen=True, eq=False)
class Quote:
    """A mention resolved against the graph: every reference is an object.

    ``speaker`` and ``origin`` are derived once, in the link stage: the origin
    is the top of the speaker's affiliation chain (its party), the outlet for
    the outlet's own voice, and never the actor or outlet that relayed it.
    """

    mention: Mention
    article: "Article"
    claim: "Claim"
    outlet: "Outlet"
    actor: "Actor | None"
    via: "Actor | Outlet | None"
    speaker: Voice
    origin: Voice
    anchor: str  # the highlight's stable HTML id in the article page (``link.anchors_of``)
    # The actors from the speaker up to its party (both included; empty for an
    # outlet's voice): each one's file can change the origin, so pages that
    # show it list them among their sources.
    chain: tuple["Actor", ...] = ()
    # Whose figure ``value`` is, when the speaker gives it as someone else's
    # (the mention's ``value_attributed_to``); None: the speaker's own figure.
    value_attributed_to: "Actor | Outlet | None" = None
    # The content files the quote is made of: its article, claim and outlet,
    # the actors of the chain, the via and whose figure it is. A page that
    # shows the quote changes when one of them does (``outputs/base.sources_of``).
    files: frozenset[str] = frozenset()

    @property
    def stance(self) -> str:
        return self.mention.stance

    @property
    def text(self) -> str:
        return self.mention.quote

    @property
    def value(self) -> float | None:
        return self.mention.value

    @property
    def unit(self) -> str | None:
        """What the figure counts: the mention's own unit, else the claim's."""
        return self.mention.unit or self.claim.unit

    @property
    def translation(self) -> str | None:
        """The quote in the site's language, given beside the original ``text``."""
        return self.mention.translation

    @property
    def speaker_name(self) -> str:
        """The actor, or the outlet when it speaks in its own voice."""
        return self.speaker.name

    @property
    def speaker_key(self) -> tuple[str, str]:
        """Identifies a distinct speaker: an actor, or an outlet's own voice."""
        return self.speaker.key

    @property
    def own_voice(self) -> bool:
        """The outlet states this itself rather than quoting someone."""
        return self.actor is None

    @property
    def language(self) -> str | None:
        """A quote is in its article's language."""
        return self.article.language


@dataclass(frozen=True)
class Graph:
    config: SiteConfig
    articles: dict[str, Article]
    claims: dict[str, Claim]
    actors: dict[str, Actor]
    outlets: dict[str, Outlet]
    quotes: list[Quote]
    quotes_by_claim: dict[str, list[Quote]]
    quotes_by_actor: dict[str, list[Quote]]
    quotes_by_article: dict[str, list[Quote]]
    quotes_via: dict[str, list[Quote]]  # file path of an actor or outlet → quotes relayed through it
    articles_by_outlet: dict[str, list[Article]]
    members_by_actor: dict[str, list[Actor]]  # organisation id → affiliated actors
    chains: dict[str, tuple[Actor, ...]]  # actor id → the actors from it up to its party (affiliation.py)
    related: dict[str, list["RelatedClaim"]]  # claim id → its relations, read from its side
    pages: dict[str, SitePage] = field(default_factory=dict)  # the editors' own pages, by id


@dataclass(frozen=True)
class RelatedClaim:
    """A relation as one claim's page states it: "Superseded by <claim>"."""

    label: str
    claim: Claim
