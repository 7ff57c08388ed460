"""A deterministic generator of valid synthetic sites, for large-build tests.

``make_site(root, articles=N, seed=S)`` writes a complete site in the content
model of the README (site.yaml with a verdict scale, outlets, actors that are
people or organisations, claims, and N articles with Markdown bodies and about
five mentions each) into ``root``. The same ``(articles, seed)`` always gives
byte-identical files: all randomness comes from one ``random.Random(seed)``
and nothing iterates over sets or reads the clock.

Every mention's quote is a passage that occurs exactly once in its article's
body, so ``factcheck check`` accepts the site without errors or warnings.

Run it by hand too::

    python tests/synthetic.py OUT_DIR ARTICLES [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SyntheticSite", "make_site"]

# --- vocabulary -------------------------------------------------------------------------

FIRST_NAMES = (
    "Mara Jonas Ilse Tomas Nadia Pieter Lena Omar Greta Felix Sana Hugo Alba Ruben Ines Viktor "
    "Amira Lukas Noor Emil Clara Idris Freya Mateo Yara Anton Leila Oskar Petra Samir Helga Dario "
    "Zofia Karim Elin Bruno Rosa Malik Tilde Arne"
).split()
SURNAMES = (
    "Okafor Lindqvist Moreau Kowalski Haddad Brennan Varga Nakamura Castillo Osei Fischer Romano "
    "Petrov Dahl Mensah Albers Quinn Sato Novak Ferreira Janssen Mbeki Horvat Larsen Costa Weber "
    "Aydin Keller Rossi Nyberg Duarte Hale Ibsen Marsh Olsen Patel Rahman Sousa Toft Vidal"
).split()
TOWNS = (
    "Eastport Millbrook Harwick Stonebridge Ravensford Lakemoor Ashvale Kingsmere Westfold "
    "Brackley Dunmore Fairhaven Glenrock Highcliff Ironbridge Larkhill Marshfield Northgate "
    "Oakridge Pinecrest Queensbay Redwater Saltmarsh Thornbury Upton Valewood Whitby Yarrow "
    "Zellford Copperton"
).split()
PROJECTS = (
    "tram line", "harbour bridge", "ring road", "water treatment plant", "children's hospital",
    "ferry terminal", "bus depot", "flood barrier", "public library", "sports centre",
    "rail tunnel", "wind farm", "housing estate", "district heating network", "cycle path",
    "market hall", "fire station", "recycling centre", "school campus", "concert hall",
)
PAPERS = ("Herald", "Ledger", "Courier", "Gazette", "Post", "Tribune", "Observer", "Chronicle", "Sentinel", "Times")
ORGANISATION_KINDS = (
    ("{town} City Council", "city council"),
    ("{town} Port Authority", "port authority"),
    ("{town} Chamber of Commerce", "business association"),
    ("Friends of {town}", "residents' group"),
    ("{town} Transport Board", "public transport operator"),
    ("{town} Builders' Union", "trade union"),
)
ROLES = (
    "Mayor", "Deputy mayor", "Councillor", "Chief engineer", "Spokesperson", "Auditor",
    "Project director", "Chair", "Treasurer", "Union representative", "Resident", "Architect",
)
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SAY_VERBS = ("said", "told reporters", "insisted", "claimed", "wrote", "stated", "argued", "noted")
COUNTRIES = ("Riverland", "Northmark", "Westerholm")
OWNERS = ("Harbour Media Group", "the Lindqvist family", "a readers' cooperative", "Coastline Press", "Meridian Holdings")

VERDICTS = (
    ("established", "Established", "Several independent sources in the record confirm it.", "#1b6e3a"),
    ("likely", "Likely", "The record leans towards it, without full confirmation.", "#4f7f2a"),
    ("unproven", "Unproven", "The record does not settle it either way.", "#6b6b6b"),
    ("misleading", "Misleading", "Partly true, but presented in a way that misleads.", "#9a6100"),  # white text on it: 5.1:1 (AA)
    ("false", "False", "The record contradicts it.", "#a32020"),  # both need quotes in YAML
)


# --- claim kinds: statement, unit, and how each stance is worded ----------------------------------
# Each phrase is a function of (rng, project, value) returning the clause said.


@dataclass(frozen=True)
class ClaimKind:
    key: str
    statement: str  # format fields: project, town, figure
    unit: str | None
    supports: tuple[str, ...]
    disputes: tuple[str, ...]
    neutral: tuple[str, ...]


CLAIM_KINDS = (
    ClaimKind(
        "cost", "The {project} in {town} cost more than the planned {figure} million euros.", "million euros",
        supports=("the {project} had cost {value} million euros, well above the plan",
                  "the final bill for the {project} came to {value} million euros",
                  "the {project} ended up costing {value} million euros"),
        disputes=("the {project} had stayed within its budget at {value} million euros",
                  "the {project} cost no more than {value} million euros in the end"),
        neutral=("the final bill for the {project} was still being audited",
                 "nobody could yet say what the {project} had cost"),
    ),
    ClaimKind(
        "delay", "The {project} in {town} opened late.", None,
        supports=("the {project} opened months behind schedule",
                  "the {project} was finished long after the promised date"),
        disputes=("the {project} opened on the day it was promised",
                  "the {project} was handed over on schedule"),
        neutral=("the opening date of the {project} had been moved more than once",
                 "the timetable for the {project} was hard to follow"),
    ),
    ClaimKind(
        "jobs", "The {project} in {town} created more than {figure} jobs.", "jobs",
        supports=("the {project} had brought {value} new jobs to the town",
                  "{value} people now work on or around the {project}"),
        disputes=("the {project} created barely {value} permanent jobs",
                  "only {value} jobs could be traced back to the {project}"),
        neutral=("the number of jobs created by the {project} was disputed",),
    ),
    ClaimKind(
        "safety", "The {project} in {town} passed its safety inspection.", None,
        supports=("inspectors had signed off the {project} without reservations",
                  "the {project} passed every safety check"),
        disputes=("the {project} failed two of its safety checks",
                  "the inspectors found serious faults in the {project}"),
        neutral=("the safety report on the {project} had not been published",),
    ),
    ClaimKind(
        "usage", "More than {figure} people a day use the {project} in {town}.", "people a day",
        supports=("about {value} people a day were using the {project}",
                  "the {project} counts some {value} users a day"),
        disputes=("fewer than {value} people a day use the {project}",
                  "daily use of the {project} has stalled at around {value} people"),
        neutral=("there was no reliable count of how many people use the {project}",),
    ),
)

FILLERS = (
    "{town} has about {n} thousand inhabitants.",
    "Work on the {project} began in {year}.",
    "The council is due to meet again on {weekday}.",
    "Local traders have mixed feelings about the *{project}*.",
    "The plans were first presented at a public meeting in {year}.",
    "Residents near the site have complained about noise and dust for years.",
    "Details are set out in [the council's report](https://{town_slug}.example.org/reports/{n}).",
    "The regional government contributed part of the money.",
    "Several contractors have worked on the site since {year}.",
    "The opposition has asked for an independent review of the **{project}**.",
    "A public consultation drew {n} written responses.",
    "The project's website was last updated on a {weekday}.",
    "Critics and supporters agree that the {project} will shape {town} for decades.",
    "Earlier reporting on the {project} is collected in our archive.",
)


# --- what gets generated -------------------------------------------------------------------


@dataclass
class Entity:
    id: str
    name: str


@dataclass
class Actor(Entity):
    kind: str  # person | organisation
    role: str | None = None
    affiliation: str | None = None
    aliases: tuple[str, ...] = ()
    town: str = ""


@dataclass
class Claim:
    id: str
    kind: ClaimKind
    project: str
    town: str
    figure: int
    verdict: str | None
    statement: str


@dataclass
class SyntheticSite:
    """What was written, for tests that want to pick an article or a claim."""

    root: Path
    articles: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    actors: list[str] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    mentions: int = 0


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("'", "")).strip("-")


PLAIN_SCALAR = re.compile(r"[A-Za-z][A-Za-z0-9 ,.()'-]*[A-Za-z0-9.)]")
YAML_WORDS = {"yes", "no", "true", "false", "on", "off", "null", "y", "n"}


def yaml_text(value: str) -> str:
    """A YAML scalar for ``value``: plain where that is unambiguous, else double-quoted."""
    if re.fullmatch(r"https?://[^\s#,\[\]{}]+", value):
        return value
    if PLAIN_SCALAR.fullmatch(value) and value.lower() not in YAML_WORDS and ": " not in value and " #" not in value:
        return value
    return json.dumps(value, ensure_ascii=False)


class Generator:
    def __init__(self, articles: int, seed: int, claims: int | None = None, actors: int | None = None,
                 body_bytes: int = 0):
        self.rng = random.Random(seed)
        self.n_articles = articles
        self.n_claims = claims if claims is not None else max(4, articles // 2)
        self.n_actors = actors  # None: a count that grows with the articles, up to 460
        self.body_bytes = body_bytes  # pad each body with background paragraphs up to this size
        self.used_ids: set[str] = set()

    def unique_id(self, base: str) -> str:
        candidate, n = base, 2
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.used_ids.add(candidate)
        return candidate

    # --- entities -----------------------------------------------------------------

    def outlets(self) -> list[Entity]:
        count = max(3, min(40, self.n_articles // 12))
        outlets, names = [], set()
        while len(outlets) < count:
            town = self.rng.choice(TOWNS)
            name = f"The {town} {self.rng.choice(PAPERS)}" if self.rng.random() < 0.8 else f"Radio {town}"
            if name in names:
                continue
            names.add(name)
            outlets.append(Entity(self.unique_id(slug(name.removeprefix("The "))), name))
        return outlets

    def actors(self) -> list[Actor]:
        if self.n_actors is None:
            n_orgs = max(2, min(60, self.n_articles // 15))
            n_people = max(4, min(400, self.n_articles // 4))
        else:
            n_orgs = max(2, min(len(TOWNS) * len(ORGANISATION_KINDS) // 2, self.n_actors // 8))
            n_people = max(4, self.n_actors - n_orgs)
        orgs, org_names = [], set()
        while len(orgs) < n_orgs:
            town = self.rng.choice(TOWNS)
            pattern, _ = self.rng.choice(ORGANISATION_KINDS)
            name = pattern.format(town=town)
            if name in org_names:
                continue
            org_names.add(name)
            orgs.append(Actor(self.unique_id(slug(name)), name, "organisation", town=town))
        people, person_names = [], set()
        while len(people) < n_people:
            name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
            if name in person_names:
                if len(person_names) >= len(FIRST_NAMES) * len(SURNAMES) // 2:
                    name = f"{name} {len(people)}"  # a huge site: numbered namesakes
                else:
                    continue
            person_names.add(name)
            first, last = name.split(" ", 1)
            org = self.rng.choice(orgs) if self.rng.random() < 0.7 else None
            people.append(Actor(
                self.unique_id(slug(name)), name, "person",
                role=self.rng.choice(ROLES),
                affiliation=org.id if org else None,
                aliases=(f"{first[0]}. {last}",) if self.rng.random() < 0.3 else (),
                town=org.town if org else self.rng.choice(TOWNS),
            ))
        return orgs + people

    def claims(self) -> list[Claim]:
        count = max(4, self.n_claims)
        # Past what the vocabulary can name, projects come in phases ("tram line phase 2"). A
        # phase holds 70% of the combinations, so picking a fresh one never takes long.
        per_phase = len(CLAIM_KINDS) * len(PROJECTS) * len(TOWNS) * 7 // 10
        claims, seen = [], set()
        while len(claims) < count:
            kind, project, town = self.rng.choice(CLAIM_KINDS), self.rng.choice(PROJECTS), self.rng.choice(TOWNS)
            phase = 1 + len(claims) // per_phase
            if phase > 1:
                project = f"{project} phase {phase}"
            if (kind.key, project, town) in seen:
                continue
            seen.add((kind.key, project, town))
            figure = {"cost": self.rng.randrange(5, 400), "jobs": self.rng.randrange(50, 3000),
                      "usage": self.rng.randrange(500, 40000)}.get(kind.key, 0)
            statement = kind.statement.format(project=project, town=town, figure=figure)
            verdict = self.rng.choice(VERDICTS)[0] if self.rng.random() < 0.85 else None
            claims.append(Claim(self.unique_id(slug(f"{project} {town} {kind.key}")), kind, project, town,
                                figure, verdict, statement))
        return claims

    # --- article bodies ----------------------------------------------------------------

    def filler(self, claim: Claim) -> str:
        return self.rng.choice(FILLERS).format(
            town=claim.town, town_slug=slug(claim.town), project=claim.project,
            n=self.rng.randrange(3, 400), year=self.rng.randrange(2008, 2022),
            weekday=self.rng.choice(WEEKDAYS),
        )

    def background(self, claim: Claim) -> str:
        """A paragraph of background, sometimes a heading, list or quotation, that quotes nobody."""
        roll = self.rng.random()
        if roll < 0.1:
            return f"## {self.rng.choice(('Background', 'Context', 'What happens next', 'The numbers'))}\n\n" + self.filler(claim)
        if roll < 0.2:
            return "\n".join(f"- {self.filler(claim)}" for _ in range(self.rng.randint(2, 4)))
        if roll < 0.25:
            return f"> {self.filler(claim)}"
        return " ".join(self.filler(claim) for _ in range(self.rng.randint(3, 6)))

    def mention_sentence(self, claim: Claim, stance: str, speaker: Actor | None, outlet: Entity) -> tuple[str, str, float | None]:
        """(sentence for the body, the quote, value) for one mention."""
        kind = claim.kind
        value = None
        if kind.unit and stance != "neutral":
            spread = self.rng.uniform(1.05, 1.6) if stance == "supports" else self.rng.uniform(0.5, 0.95)
            value = max(1, round(claim.figure * spread))
        clause = self.rng.choice(getattr(kind, stance)).format(project=claim.project, value=value)
        day = self.rng.choice(WEEKDAYS)
        if speaker is None:  # the outlet's own voice
            sentence = f"{outlet.name} has established that {clause}."
            return sentence, f"established that {clause}", value
        who = speaker.name if speaker.kind == "organisation" else f"{speaker.role or 'Resident'} {speaker.name}"
        if self.rng.random() < 0.4:
            spoken = clause[0].upper() + clause[1:]
            sentence = f"\u201c{spoken},\u201d {who} said on {day}."
            return sentence, spoken, value
        verb = self.rng.choice(SAY_VERBS)
        sentence = f"{who} {verb} on {day} that {clause}."
        return sentence, f"{speaker.name} {verb} on {day} that {clause}", value

    def article(self, index: int, claims: list[Claim], actors: list[Actor], outlets: list[Entity],
                must_cover: list[Claim]) -> tuple[dict, str, list[dict]]:
        outlet = outlets[index % len(outlets)] if index < len(outlets) else self.rng.choice(outlets)
        topic = must_cover[0] if must_cover else self.rng.choice(claims)
        related = [c for c in claims if c.town == topic.town and c is not topic]
        chosen = list(must_cover)
        while len(chosen) < self.rng.randint(2, 4):
            pool = related if related and self.rng.random() < 0.6 else claims
            candidate = self.rng.choice(pool)
            if candidate not in chosen:
                chosen.append(candidate)
        people = [a for a in actors if a.kind == "person"]
        orgs = [a for a in actors if a.kind == "organisation"]
        sources = [a for a in actors if a.town == topic.town] or people
        n_mentions = max(len(must_cover), self.rng.choice((4, 5, 5, 5, 6)))

        mentions, sentences_used = [], set()
        planned: list[tuple[str, dict]] = []
        for m in range(n_mentions * 3):
            if len(planned) == n_mentions:
                break
            claim = must_cover[m] if m < len(must_cover) else self.rng.choice(chosen)
            stance = self.rng.choice(("supports", "supports", "disputes", "disputes", "neutral"))
            roll = self.rng.random()
            speaker = None if roll < 0.12 else (self.rng.choice(orgs) if roll < 0.3 else self.rng.choice(sources))
            sentence, quote, value = self.mention_sentence(claim, stance, speaker, outlet)
            if any(quote.lower() in s.lower() or s.lower() in quote.lower() for s in sentences_used):
                continue
            sentences_used.add(sentence)
            mention = {"claim": claim.id}
            if speaker:
                mention["actor"] = speaker.id
                if self.rng.random() < 0.15:
                    relay = self.rng.choice([o for o in outlets if o is not outlet] or outlets)
                    mention["via"] = relay.id
            mention["stance"] = stance
            # A disputing speaker's counter-figure stays in the sentence but is not
            # recorded as their 'value': the content model asks for such a figure to
            # say whose it is, and the corpus is meant to check without warnings.
            if value is not None and stance != "disputes":
                mention["value"] = value
            mention["quote"] = quote
            if self.rng.random() < 0.1:
                mention["note"] = "The source did not say where the figure comes from." if "value" in mention else "Said at a press conference."
            planned.append((sentence, mention))

        # Paragraphs: the quoted sentences spread among filler, with some Markdown.
        paragraphs: list[str] = []
        pending = list(planned)
        while pending or len(paragraphs) < 3:
            parts = [self.filler(topic) for _ in range(self.rng.randint(1, 3))]
            for _ in range(min(len(pending), self.rng.randint(1, 2))):
                sentence, mention = pending.pop(0)
                parts.insert(self.rng.randint(0, len(parts)), sentence)
                mentions.append(mention)
            paragraphs.append(" ".join(parts))
            if self.rng.random() < 0.15:
                paragraphs.append("## Background")
            elif self.rng.random() < 0.1:
                paragraphs.append("\n".join(f"- {self.filler(topic)}" for _ in range(self.rng.randint(2, 3))))
            elif self.rng.random() < 0.08:
                paragraphs.append(f"> {self.filler(topic)}")
        if paragraphs[-1].startswith("## "):
            paragraphs.append(self.filler(topic))
        size = sum(len(p) + 2 for p in paragraphs)
        while size < self.body_bytes:
            padding = self.background(topic)
            paragraphs.append(padding)
            size += len(padding) + 2
        body = "\n\n".join(paragraphs) + "\n"
        mentions = [m for m in mentions if body.count(m["quote"]) == 1]

        title = self.rng.choice((
            "{Project} in {town}: what we know",
            "Questions over the {project} in {town}",
            "{town} argues about its {project}",
            "The {project} in {town}, a year on",
            "Who pays for the {project} in {town}",
        )).format(Project=topic.project.capitalize(), project=topic.project, town=topic.town)
        meta = {"title": title, "outlet": outlet.id}
        year, month, day = self.rng.randrange(2015, 2025), self.rng.randrange(1, 13), self.rng.randrange(1, 29)
        meta["published"] = f"{year}-{month:02d}-{day:02d}" if self.rng.random() < 0.8 else f"{year}-{month:02d}"
        if self.rng.random() < 0.6:
            meta["author"] = f"{self.rng.choice(FIRST_NAMES)[0]}. {self.rng.choice(SURNAMES)}"
        return meta, body, mentions

    # --- everything ---------------------------------------------------------------------------

    def write(self, root: Path) -> SyntheticSite:
        outlets, actors, claims = self.outlets(), self.actors(), self.claims()
        site = SyntheticSite(root, claims=[c.id for c in claims], actors=[a.id for a in actors],
                             outlets=[o.id for o in outlets])
        files: dict[str, str] = {"site.yaml": site_yaml(self.n_articles)}
        for outlet in outlets:
            files[f"content/outlets/{outlet.id}.md"] = front_matter({
                "name": outlet.name,
                "url": f"https://{outlet.id}.example.com/",
                "country": self.rng.choice(COUNTRIES),
                "owner": self.rng.choice(OWNERS),
            }) + f"A {'radio station' if outlet.name.startswith('Radio') else 'newspaper'} covering local politics.\n"
        for actor in actors:
            meta = {"name": actor.name, "kind": actor.kind}
            if actor.role:
                meta["role"] = actor.role
            if actor.affiliation:
                meta["affiliation"] = actor.affiliation
            if actor.aliases:
                meta["aliases"] = list(actor.aliases)
            bio = (f"{actor.role} based in {actor.town}.\n" if actor.kind == "person"
                   else f"An organisation based in {actor.town}.\n")
            files[f"content/actors/{actor.id}.md"] = front_matter(meta) + bio
        for claim in claims:
            meta = {"statement": claim.statement}
            if claim.verdict:
                meta["verdict"] = claim.verdict
                meta["summary"] = f"What the sources in the record say about the {claim.project} in {claim.town}."
                meta["reviewed"] = f"{self.rng.randrange(2019, 2025)}-{self.rng.randrange(1, 13):02d}-{self.rng.randrange(1, 29):02d}"
            if claim.kind.unit:
                meta["unit"] = claim.kind.unit
            files[f"content/claims/{claim.id}.md"] = front_matter(meta) + (
                f"The editors compared every report on the {claim.project} in {claim.town}.\n\n"
                f"Sources disagree on the details; the verdict weighs the independent ones higher.\n"
            )
        # Every claim is mentioned at least once: the first articles cover them in turn.
        uncovered = list(claims)
        ids = []
        for index in range(self.n_articles):
            per_article = -(-len(uncovered) // max(1, self.n_articles - index))  # ceil: spread evenly
            must_cover, uncovered = uncovered[:per_article], uncovered[per_article:]
            meta, body, mentions = self.article(index, claims, actors, outlets, must_cover)
            covered = {m["claim"] for m in mentions}
            uncovered = [c for c in must_cover if c.id not in covered] + uncovered  # retry later
            article_id = self.unique_id(slug(meta["title"])[:60].strip("-"))
            ids.append(article_id)
            if self.rng.random() < 0.5:
                meta["url"] = f"https://{meta['outlet']}.example.com/news/{article_id}"
            if self.rng.random() < 0.3:
                meta["seed"] = f"{article_id}.txt"
                files[f"seeds/{article_id}.txt"] = meta["title"] + "\n\n" + body
            meta["mentions"] = mentions
            files[f"content/articles/{article_id}.md"] = front_matter(meta) + body
            site.mentions += len(mentions)
        if uncovered:
            raise ValueError(f"could not mention every claim; {len(uncovered)} left: make more articles")
        site.articles = ids
        for rel, text in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        return site


def site_yaml(articles: int) -> str:
    lines = [
        f"title: Synthetic checks ({articles} articles)",
        "description: A generated site for tests and benchmarks. Every name and event in it is invented.",
        "base_url: https://synthetic.example.org/",
        "language: en",
        "output: public",
        "verdicts:",
    ]
    for vid, label, description, colour in VERDICTS:
        lines += [f"  - id: {yaml_text(vid)}", f"    label: {yaml_text(label)}",
                  f"    description: {yaml_text(description)}", f'    colour: "{colour}"']
    return "\n".join(lines) + "\n"


def front_matter(meta: dict) -> str:
    lines = ["---"]
    for key, value in meta.items():
        if key == "mentions":
            lines.append("mentions:")
            for mention in value:
                first = True
                for mkey, mvalue in mention.items():
                    prefix = "  - " if first else "    "
                    first = False
                    lines.append(f"{prefix}{mkey}: {scalar(mvalue)}")
        elif isinstance(value, list):
            lines.append(f"{key}: [{', '.join(yaml_text(v) for v in value)}]")
        else:
            lines.append(f"{key}: {scalar(value)}")
    lines.append("---")
    return "\n".join(lines) + "\n"


def scalar(value) -> str:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if re.fullmatch(r"\d{4}-\d{2}(-\d{2})?", value):
        return value  # dates stay unquoted, as editors write them
    return yaml_text(value)


def make_site(root: Path, articles: int, seed: int = 0, *, claims: int | None = None,
              actors: int | None = None, body_bytes: int = 0) -> SyntheticSite:
    """Write a valid synthetic site with ``articles`` articles into ``root``.

    ``claims`` and ``actors`` default to counts that grow with the articles;
    ``body_bytes`` pads every article body with background paragraphs to at
    least that size (the benchmark's corpus uses about 5 KB).
    """
    if articles < 1:
        raise ValueError("a site needs at least one article")
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    return Generator(articles, seed, claims, actors, body_bytes).write(root)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the site into")
    parser.add_argument("articles", type=int, help="number of articles")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--claims", type=int, help="number of claims (default: articles / 2)")
    parser.add_argument("--actors", type=int, help="number of actors (default: grows with the articles)")
    parser.add_argument("--body-bytes", type=int, default=0, help="pad article bodies to this size")
    args = parser.parse_args(argv)
    site = make_site(args.out, args.articles, args.seed, claims=args.claims, actors=args.actors,
                     body_bytes=args.body_bytes)
    print(f"{len(site.articles)} articles, {len(site.claims)} claims, {len(site.actors)} actors, "
          f"{len(site.outlets)} outlets, {site.mentions} mentions in {site.root}")


if __name__ == "__main__":
    main()
