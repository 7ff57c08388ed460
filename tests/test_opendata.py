"""Open data: /data/* files and the /about/data/ page that documents them.

Every selector of annotations.jsonld is re-anchored against the published
article text; the CSV and JSON files are parsed with the standard library and
checked against the content they were built from.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from sitekit import VALID_SITE, all_files, make_site, parse_file, resolve_internal, site_under_test

from generator.core.model import STANCES
from generator.engine.build import build, load_content
from generator.outputs import opendata_csv, opendata_format, urls, webannotations
from generator.outputs.base import EVERYTHING, DataFile, Piece, join_parts
from generator.outputs.render import Renderer
from generator.stages.analyse import analyse
from generator.stages.link import link

DATA_FILES = ("data/claims.json", "data/mentions.csv", "data/matrix.csv", "data/annotations.jsonld")
BASE_URLS = {"valid": "https://checks.example.org/sub/", "example": "https://example.org/"}


def load_graph(root: Path):
    content, diagnostics = load_content(root)
    assert content is not None, [d.format() for d in diagnostics.errors]
    return link(content)


@pytest.fixture(scope="module", params=["valid", "example"])
def site(request):
    """(root, built output, graph, base URL) of the fixture and of the example site."""
    root, out = site_under_test(request)
    return root, out, load_graph(root), BASE_URLS[request.param]


def output_path(out: Path, base_url: str, url: str) -> Path:
    """The built file an absolute URL of the site names."""
    assert url.startswith(base_url), f"{url} is not under {base_url}"
    path = urlsplit(url).path[len(urlsplit(base_url).path):]
    if not path or path.endswith("/"):
        path += "index.html"
    return out / path


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, strict=True))


def annotations_of(out: Path) -> list[dict]:
    collection = json.loads((out / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    return collection["first"]["items"]


# --- annotations.jsonld: every selector re-anchors --------------------------------------


def test_every_selector_re_anchors_in_the_published_text(site):
    _, out, graph, base_url = site
    problems, checked = [], 0
    for item in annotations_of(out):
        for target in item["target"]:
            text = output_path(out, base_url, target["source"]).read_text(encoding="utf-8")
            quote = next(s for s in target["selector"] if s["type"] == "TextQuoteSelector")
            position = next(s for s in target["selector"] if s["type"] == "TextPositionSelector")
            start, end = position["start"], position["end"]
            exact, prefix, suffix = quote["exact"], quote.get("prefix", ""), quote.get("suffix", "")
            checked += 1
            where = f"{item['id']} [{start}:{end}]"
            if not (0 <= start < end <= len(text)) or text[start:end] != exact:
                problems.append(f"{where}: position gives {text[start:end]!r}, exact is {exact!r}")
            if text[max(0, start - webannotations.CONTEXT_CHARS):start] != prefix:
                problems.append(f"{where}: prefix {prefix!r} is not the text before the passage")
            if text[end:end + webannotations.CONTEXT_CHARS] != suffix:
                problems.append(f"{where}: suffix {suffix!r} is not the text after the passage")
            if text.find(prefix + exact + suffix) != start - len(prefix):
                problems.append(f"{where}: the quote selector first matches elsewhere")
    assert checked >= len(graph.quotes)
    assert not problems, "\n".join(problems)


def test_one_annotation_per_quote_with_one_target_per_quoted_part(site):
    _, out, graph, base_url = site
    items = {item["id"]: item for item in annotations_of(out)}
    assert len(items) == len(annotations_of(out)) == len(graph.quotes)
    for quote in graph.quotes:
        item = items[f"{base_url}data/annotations.jsonld#{quote.article.id}/{quote.anchor}"]
        positions = [
            next((s["start"], s["end"]) for s in t["selector"] if s["type"] == "TextPositionSelector")
            for t in item["target"]
        ]
        assert positions == list(quote.mention.spans)
        assert {t["source"] for t in item["target"]} == {f"{base_url}data/articles/{quote.article.id}.txt"}


def test_the_fixture_has_an_elided_quote_with_two_targets(valid_out):
    targets = [len(item["target"]) for item in annotations_of(valid_out)]
    assert 2 in targets


def test_annotations_follow_the_web_annotation_model(site):
    _, out, graph, base_url = site
    collection = json.loads((out / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    assert collection["@context"] == "http://www.w3.org/ns/anno.jsonld"
    assert collection["type"] == "AnnotationCollection"
    assert collection["id"] == f"{base_url}data/annotations.jsonld"
    assert collection["total"] == len(graph.quotes)
    assert collection["first"]["type"] == "AnnotationPage"
    for item in collection["first"]["items"]:
        assert item["type"] == "Annotation" and item["motivation"] == "classifying"
        bodies = {body["purpose"]: body for body in item["body"]}
        assert bodies["classifying"]["type"] == "TextualBody"
        assert bodies["classifying"]["value"] in STANCES
        assert bodies["linking"]["type"] == "SpecificResource"
        assert output_path(out, base_url, bodies["linking"]["source"]).is_file()
        for target in item["target"]:
            assert target["type"] == "SpecificResource"
            assert [s["type"] for s in target["selector"]] == ["TextQuoteSelector", "TextPositionSelector"]
            page = output_path(out, base_url, target["scope"][0])
            assert page.is_file() and page.parent.parent.name == "articles"


def test_each_annotation_carries_its_quotes_stance_and_claim(valid_out):
    items = {item["id"].rsplit("#", 1)[1]: item for item in annotations_of(valid_out)}
    late = items["bridge-late/q-bridge-finished"]
    bodies = {body["purpose"]: body for body in late["body"]}
    assert bodies["classifying"]["value"] == "disputes"
    assert bodies["linking"]["source"] == "https://checks.example.org/sub/claims/bridge-finished/"
    assert bodies["describing"]["value"] == (
        "Bo Critic (relayed through The Daily River) disputes the claim: The new bridge was finished on time."
    )
    opens = items["bridge-opens/q-bridge-finished"]["target"][0]
    assert opens["scope"] == [
        "https://checks.example.org/sub/articles/bridge-opens/", "https://river.example.com/news/bridge-opens",
    ]


def test_article_texts_are_exactly_the_text_quotes_are_anchored_in(site):
    _, out, graph, _ = site
    texts = sorted(p.name for p in (out / "data" / "articles").iterdir())
    assert texts == sorted(f"{article_id}.txt" for article_id in graph.articles)
    for article in graph.articles.values():
        published = (out / "data" / "articles" / f"{article.id}.txt").read_bytes()
        assert published == article.document.text.encode("utf-8"), article.id


def test_positions_count_code_points_not_bytes_or_utf16_units(tmp_path):
    # "𝔅" is four UTF-8 bytes and two UTF-16 units: a position counted in
    # either would point past the quote.
    root = make_site(tmp_path / "site", {
        "content/articles/bridge-opens.md": (
            "---\ntitle: Bridge opens\noutlet: daily-river\nmentions:\n"
            "  - claim: bridge-cost\n    actor: ana-mayor\n    stance: supports\n"
            "    quote: the bill came to 12 million\n---\n"
            "𝔅𝔅 Ünïcödé — the mayor said the bill came to 12 million euros.\n"
        ),
    })
    out = tmp_path / "out"
    assert build(root, out).ok
    [item] = annotations_of(out)
    text = (out / "data" / "articles" / "bridge-opens.txt").read_text(encoding="utf-8")
    position = item["target"][0]["selector"][1]
    assert text[position["start"]:position["end"]] == "the bill came to 12 million"
    assert position["start"] == text.index("the bill")


def test_no_csv_cell_is_a_spreadsheet_formula_and_json_keeps_the_text(tmp_path):
    # A quote, a title and a statement that a spreadsheet would run as
    # formulas (OWASP "CSV Injection"), and a negative figure, which is a number.
    root = make_site(tmp_path / "site", {
        "content/claims/bridge-cost.md": (
            "---\nstatement: +1 bridge cost more than planned\nverdict: accurate\nunit: million\n---\n"
        ),
        "content/articles/bridge-opens.md": (
            "---\ntitle: '@mayor: bridge opens'\noutlet: daily-river\nmentions:\n"
            "  - claim: bridge-cost\n    actor: ana-mayor\n    stance: supports\n    value: -3\n"
            "    quote: '=HYPERLINK(\"http://x.example\") said the mayor'\n"
            "    note: '-2+3 of them'\n---\n"
            "=HYPERLINK(\"http://x.example\") said the mayor.\n"
        ),
    })
    out = tmp_path / "out"
    assert build(root, out).ok
    [row] = read_csv(out / "data" / "mentions.csv")
    assert row["quote"] == "'=HYPERLINK(\"http://x.example\") said the mayor"
    assert row["article_title"] == "'@mayor: bridge opens"
    assert row["note"] == "'-2+3 of them"
    assert row["value"] == "-3"
    [matrix_row] = read_csv(out / "data" / "matrix.csv")
    assert matrix_row["statement"] == "'+1 bridge cost more than planned"
    for name in ("mentions.csv", "matrix.csv"):
        for line in (out / "data" / name).read_text(encoding="utf-8").splitlines()[1:]:
            for cell in next(csv.reader([line])):
                assert not cell.startswith(opendata_csv.FORMULA_STARTS) or cell == "-3", (name, cell)
    [claim] = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert claim["statement"] == "+1 bridge cost more than planned"
    assert claim["mentions"][0]["quote"] == '=HYPERLINK("http://x.example") said the mayor'



# --- mentions.csv -------------------------------------------------------------------------


def test_mentions_csv_has_one_row_per_quote(site):
    _, out, graph, base_url = site
    rows = read_csv(out / "data" / "mentions.csv")
    assert len(rows) == len(graph.quotes)
    assert list(rows[0].keys()) == [c.name for c in opendata_csv.MENTION_COLUMNS]
    for row, quote in zip(rows, graph.quotes):
        assert row["mention_id"] == f"{quote.article.id}/{quote.anchor}"
        assert (row["claim_id"], row["stance"], row["quote"]) == (quote.claim.id, quote.stance, quote.text)
        assert row["actor_id"] == (quote.actor.id if quote.actor else "")
        assert row["outlet_id"] == quote.outlet.id and row["article_id"] == quote.article.id
        page, fragment = urlsplit(row["url"]).path, urlsplit(row["url"]).fragment
        target = output_path(out, base_url, row["url"].split("#")[0])
        assert fragment in parse_file(target).ids, f"{page}#{fragment}"


def test_a_title_the_editors_wrote_is_flagged_in_the_data_and_is_no_headline(site):
    """The source gives no headline: claims.json and mentions.csv say the
    title is the editors', and the ClaimReview names no headline for it."""
    root, out, graph, _ = site
    by_editors = {a.id for a in graph.articles.values() if a.title_by_editors}
    claims_json = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert {a["id"]: a["title_by_editors"] for a in claims_json["articles"]} == {
        a: a in by_editors for a in graph.articles}
    rows = read_csv(out / "data" / "mentions.csv")
    assert {r["article_id"]: r["article_title_by_editors"] for r in rows} == {
        r["article_id"]: "true" if r["article_id"] in by_editors else "false" for r in rows}
    scripts = (re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.read_text(encoding="utf-8"), re.S)
               for page in out.glob("claims/*/index.html"))
    appearances = [appearance for found in scripts for block in found for review in [json.loads(block)]
                   if review.get("@type") == "ClaimReview"
                   for appearance in review["itemReviewed"].get("appearance", [])]
    titles = {a.title for a in graph.articles.values() if a.id in by_editors}
    assert appearances and not any(a.get("headline") in titles for a in appearances)
    if root.name != "valid-site":  # the example site has one: the UN panel's report
        assert by_editors and any("headline" not in a for a in appearances)


def test_a_mentions_unit_is_what_its_figure_counts(site):
    """Empty for a quote that gives no figure, as claims.json's null: the
    column is no longer the claim's unit repeated on every row."""
    _, out, graph, _ = site
    rows = read_csv(out / "data" / "mentions.csv")
    assert any(q.value is None and q.claim.unit for q in graph.quotes) or "valid" in str(out)
    for row, quote in zip(rows, graph.quotes):
        assert row["unit"] == ((quote.unit or "") if quote.value is not None else ""), row["mention_id"]


def test_mentions_csv_is_rfc_4180(valid_out):
    raw = (valid_out / "data" / "mentions.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")  # no byte-order mark
    lines = raw.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    rows = read_csv(valid_out / "data" / "mentions.csv")
    relayed = next(r for r in rows if r["mention_id"] == "bridge-late/q-bridge-finished")
    assert (relayed["via_type"], relayed["via_id"], relayed["via_name"]) == ("outlet", "daily-river", "The Daily River")
    assert relayed["published"] == "2024-03"
    cost = next(r for r in rows if r["mention_id"] == "bridge-late/q-bridge-cost")
    assert (cost["value"], cost["unit"]) == ("14", "million euros")
    assert cost["note"] == "The critic did not say where the figure comes from."
    own_voice = next(r for r in rows if r["mention_id"] == "bridge-opens/q-bridge-cost")
    assert own_voice["actor_id"] == "" and own_voice["original_url"] == "https://river.example.com/news/bridge-opens"


def test_mentions_csv_says_whom_each_statement_counts_under(site):
    _, out, graph, _ = site
    rows = {r["mention_id"]: r for r in read_csv(out / "data" / "mentions.csv")}
    for quote in graph.quotes:
        row = rows[f"{quote.article.id}/{quote.anchor}"]
        if quote.actor is None:  # the outlet's own voice
            expected = ("outlet", row["outlet_id"], row["outlet_name"])
        else:  # the top of the actor's affiliation chain, worked out here without the link stage
            top = quote.actor
            while not top.party and top.affiliation_id:
                top = graph.actors[top.affiliation_id]
            expected = ("actor", top.id, top.name)
        assert (row["origin_type"], row["origin_id"], row["origin_name"]) == expected, row["mention_id"]
        attributed = quote.value_attributed_to
        assert row["value_attributed_to_id"] == (attributed.id if attributed else "")


def test_mentions_csv_carries_the_attribution_of_a_figure(tmp_path):
    root = make_site(tmp_path / "site", {
        "content/articles/bridge-opens.md": (
            "---\ntitle: Bridge opens\noutlet: daily-river\nmentions:\n"
            "  - claim: bridge-cost\n    actor: ana-mayor\n    stance: disputes\n    value: 12\n"
            "    value_attributed_to: daily-river\n    quote: the bill came to 12 million\n---\n"
            "The mayor said the bill came to 12 million euros.\n"
        ),
    })
    out = build_ok(root, tmp_path / "out")
    [row] = read_csv(out / "data" / "mentions.csv")
    assert (row["value"], row["value_attributed_to_type"], row["value_attributed_to_id"],
            row["value_attributed_to_name"]) == ("12", "outlet", "daily-river", "The Daily River")
    assert (row["origin_type"], row["origin_id"]) == ("actor", "river-council")  # Ana Mayor's party
    [claim] = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))["claims"]
    assert claim["figures"] == [{"value": 12, "unit": None, "given_by": [{  # make_site's claim has no unit
        "mention": "bridge-opens/q-bridge-cost", "speaker": {"type": "actor", "id": "ana-mayor"},
        "stance": "disputes", "attributed_to": {"type": "outlet", "id": "daily-river"},
    }]}]
    assert claim["mentions"][0]["value_attributed_to"] == {"type": "outlet", "id": "daily-river"}


def test_csv_fields_with_commas_quotes_and_newlines_round_trip():
    header, row = ["a", "b"], ['say "hi", then\r\nleave', "plain"]
    raw = opendata_csv.to_csv(header, [row])
    assert raw == b'a,b\r\n"say ""hi"", then\r\nleave",plain\r\n'
    assert list(csv.reader(io.StringIO(raw.decode("utf-8"), newline=""))) == [header, row]


def test_number_text():
    assert [opendata_csv.number_text(v) for v in (12, 12.0, 2.5, 0.1, None)] == ["12", "12", "2.5", "0.1", ""]


# --- matrix.csv -------------------------------------------------------------------------------


def test_matrix_csv_is_the_comparison_by_independent_origin(site):
    """Every row recomputed from mentions.csv: a claim and an origin that speaks on it."""
    root, out, graph, _ = site
    analysis = analyse(graph)
    rows = read_csv(out / "data" / "matrix.csv")
    assert list(rows[0].keys()) == [c.name for c in opendata_csv.MATRIX_COLUMNS]
    spoken = [row.claim.claim.id for row in analysis.origin_matrix.rows if row.claim.quotes]
    assert list(dict.fromkeys(r["claim_id"] for r in rows)) == spoken  # in the comparison's order
    grouped: dict[tuple, list[dict]] = {}
    for m in read_csv(out / "data" / "mentions.csv"):
        grouped.setdefault((m["claim_id"], m["origin_type"], m["origin_id"]), []).append(m)
    assert {(r["claim_id"], r["origin_type"], r["origin_id"]) for r in rows} == set(grouped)
    assert len(rows) == len(grouped)
    for row in rows:
        mentions = grouped[(row["claim_id"], row["origin_type"], row["origin_id"])]
        sides = {m["stance"] for m in mentions} - {"neutral"}
        position = "neutral" if not sides else sides.pop() if len(sides) == 1 else "both"
        speakers = {(m["actor_id"] or "outlet:" + m["outlet_id"]) for m in mentions}
        assert (row["position"], int(row["speakers"]), int(row["statements"])) == (
            position, len(speakers), len(mentions)), row
        for stance in STANCES:
            assert int(row[f"{stance}_statements"]) == sum(1 for m in mentions if m["stance"] == stance)
        assert row["contested"] in ("true", "false") and row["figures_differ"] in ("true", "false")
    assert sum(int(row["statements"]) for row in rows) == len(graph.quotes)


# --- claims.json ------------------------------------------------------------------------------

SCHEMA = Path(__file__).resolve().parent / "schemas" / "claims.schema.json"


def claims_schema_validator():
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_claims_json_follows_its_json_schema(site):
    _, out, _, _ = site
    data = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))
    errors = [f"{e.json_path}: {e.message}" for e in claims_schema_validator().iter_errors(data)]
    assert not errors, "\n".join(errors[:20])


def test_the_json_schema_is_not_vacuous(valid_out):
    """Version 1's fields, a wrong origin type and an undocumented key are all refused."""
    validator = claims_schema_validator()
    data = json.loads((valid_out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert validator.is_valid(data)
    old = json.loads(json.dumps(data))
    old["version"] = 1
    old["claims"][0]["counts"] = old["claims"][0].pop("stances")
    wrong = json.loads(json.dumps(data))
    wrong["claims"][0]["mentions"][0]["origin"]["type"] = "party"
    extra = json.loads(json.dumps(data))
    extra["claims"][0]["stances"]["supports"]["sources"] = 3
    for broken in (old, wrong, extra):
        assert not validator.is_valid(broken)


def test_claims_json_counts_statements_speakers_and_origins(site):
    _, out, graph, base_url = site
    data = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))
    assert data["version"] == 2
    assert data["site"]["url"] == base_url
    licence = graph.config.licence  # the valid fixture states CC-BY-4.0; the example states none
    assert data["site"]["licence"] == ({"spdx": licence.spdx, "url": licence.url} if licence else None)
    assert [c["id"] for c in data["claims"]] == sorted(graph.claims)
    origin_of_actor = {actor["id"]: actor["origin"] for actor in data["actors"]}
    total = 0
    for claim in data["claims"]:
        assert output_path(out, base_url, claim["url"]).is_file()
        mentions = claim["mentions"]
        total += len(mentions)
        for mention in mentions:  # an actor counts under its party, the outlet's own voice under the outlet
            expected = ({"type": "actor", "id": origin_of_actor[mention["actor"]]} if mention["actor"]
                        else {"type": "outlet", "id": mention["outlet"]})
            assert mention["origin"] == expected, mention["id"]
        origins = {}
        for stance in STANCES:
            said = [m for m in mentions if m["stance"] == stance]
            tally = claim["stances"][stance]
            assert tally["statements"] == len(said)
            assert tally["speakers"] == len({(m["actor"] or "outlet:" + m["outlet"]) for m in said})
            origins[stance] = {(m["origin"]["type"], m["origin"]["id"]) for m in said}
            assert {(o["type"], o["id"]) for o in tally["origins"]} == origins[stance]
            assert len(tally["origins"]) == len(origins[stance])
        assert claim["contested"] == (bool(origins["supports"]) and bool(origins["disputes"])
                                      and len(origins["supports"] | origins["disputes"]) >= 2), claim["id"]
        by_id = {m["id"]: m for m in mentions}
        values = sorted({m["value"] for m in mentions if m["value"] is not None})
        assert [f["value"] for f in claim["figures"]] == values
        for figure in claim["figures"]:
            for given in figure["given_by"]:
                mention = by_id[given["mention"]]
                assert mention["value"] == figure["value"] and given["stance"] == mention["stance"]
                assert given["attributed_to"] == mention["value_attributed_to"]
    assert total == len(graph.quotes)
    ids = {kind: {item["id"] for item in data[kind]} for kind in ("articles", "actors", "outlets")}
    for claim in data["claims"]:
        for mention in claim["mentions"]:
            assert mention["article"] in ids["articles"] and mention["outlet"] in ids["outlets"]
            assert mention["actor"] is None or mention["actor"] in ids["actors"]
            assert mention["origin"]["id"] in ids[mention["origin"]["type"] + "s"]


def test_every_claims_json_key_is_documented(site):
    _, out, _, _ = site
    data = json.loads((out / "data" / "claims.json").read_text(encoding="utf-8"))
    page = (out / "about" / "data" / "index.html").read_text(encoding="utf-8")
    keys: set[str] = set()

    def collect(value):
        if isinstance(value, dict):
            keys.update(k for k in value if k not in STANCES)
            for child in value.values():
                collect(child)
        elif isinstance(value, list):
            for child in value:
                collect(child)

    collect(data)
    undocumented = sorted(k for k in keys if f"<code>{k}</code>" not in page)
    assert not undocumented


# --- the documentation page, the footer, rebuilds ------------------------------------------


def test_about_page_links_every_file_and_is_in_the_footer(site):
    _, out, graph, _ = site
    page = out / "about" / "data" / "index.html"
    html = parse_file(page)
    targets = {resolve_internal(page, href)[0] for _, _, href in html.links if not href.startswith("http")}
    assert {out / path for path in DATA_FILES} <= targets
    # Not every article's text file: each is linked from its article's page
    # (below). Listed here they made this page, linked from every page's
    # footer, 2.4 MB at 10,000 articles.
    assert not [target for target in targets if target.parent == out / "data" / "articles"]
    licence = graph.config.licence
    assert f"Licence: {licence.label if licence else 'not stated'}" in " ".join(html.text.split())
    home = out / "index.html"
    footer_links = [resolve_internal(home, href)[0] for _, _, href in parse_file(home).links]
    assert page in footer_links


def test_each_article_page_links_its_text_file(site):
    _, out, graph, _ = site
    assert graph.articles
    for article in graph.articles.values():
        page = out / urls.article_path(article)
        targets = {resolve_internal(page, href)[0] for _, _, href in parse_file(page).links if not href.startswith("http")}
        text = out / "data" / "articles" / f"{article.id}.txt"
        assert text in targets and text.is_file()


def test_data_files_are_identical_across_builds(tmp_path):
    assert build(VALID_SITE, tmp_path / "first").ok and build(VALID_SITE, tmp_path / "second").ok
    first, second = all_files(tmp_path / "first"), all_files(tmp_path / "second")
    produced = [p for p in first if p.startswith(("data/", "about/"))]
    assert len(produced) >= len(DATA_FILES) + 3
    assert {p: first[p] for p in produced} == {p: second.get(p) for p in produced}


def test_sources_drive_incremental_rebuilds():
    graph = load_graph(VALID_SITE)
    planned = {o.path: o for o in Renderer(VALID_SITE / "templates").plan(graph, analyse(graph))}
    for path in DATA_FILES:
        assert isinstance(planned[path], DataFile) and planned[path].sources == EVERYTHING
    for article in graph.articles.values():
        assert planned[f"data/articles/{article.id}.txt"].sources == frozenset({article.path})
    assert planned["about/data/index.html"].sources == EVERYTHING


def test_an_empty_site_still_has_valid_data(tmp_path):
    root = make_site(tmp_path / "site", {"content/articles/bridge-opens.md": None})
    out = tmp_path / "out"
    assert build(root, out).ok
    collection = json.loads((out / "data" / "annotations.jsonld").read_text(encoding="utf-8"))
    assert collection["total"] == 0 and "first" not in collection
    assert read_csv(out / "data" / "mentions.csv") == []
    assert (out / "data" / "mentions.csv").read_bytes().startswith(b"mention_id,claim_id,")


def test_drafts_stay_out_of_the_data_unless_asked_for(tmp_path):
    root = tmp_path / "site"
    shutil.copytree(VALID_SITE, root)
    for path in ("content/articles/bridge-late.md", "content/claims/river-clean.md"):
        text = (root / path).read_text(encoding="utf-8")
        (root / path).write_text("---\ndraft: true\n" + text[len("---\n"):], encoding="utf-8")
    needles = ("bridge-late", "river-clean", "The river is clean enough", "Critics say bridge came in late")
    published = all_files(build_ok(root, tmp_path / "out"))
    leaks = {p: [n for n in needles if n.encode() in data] for p, data in published.items() if p.startswith("data/")}
    assert not {p: hits for p, hits in leaks.items() if hits}
    with_drafts = all_files(build_ok(root, tmp_path / "drafts", drafts=True))
    assert "data/articles/bridge-late.txt" in with_drafts
    claims = json.loads(with_drafts["data/claims.json"])["claims"]
    assert {c["id"]: c["draft"] for c in claims}["river-clean"] is True


def build_ok(root: Path, out: Path, **options) -> Path:
    result = build(root, out, **options)
    assert result.ok, [d.format() for d in result.diagnostics.errors]
    return out


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_a_generator_is_written_exactly_as_the_same_list(depth):
    # The big data files pass their records as generators, made as they are
    # written; a generator sits within the laid-out levels (depth >= 1 here).
    records = [{"id": "a", "parts": [1, 2, {"x": None}]}, {"id": "b", "parts": []}, "plain", 3.5]
    document = {"version": 1, "records": records, "empty": []}
    streamed = {"version": 1, "records": (r for r in records), "empty": (r for r in [])}
    assert opendata_format.to_json(streamed, depth) == opendata_format.to_json(document, depth)
    assert json.loads(opendata_format.to_json(document, depth)) == document


@pytest.mark.parametrize("depth", [1, 2, 3])
def test_an_array_of_pieces_is_written_exactly_as_the_same_list(depth):
    # The big data files are made of pieces (one claim's record, one article's
    # annotations), kept from run to run: joined, they must be the bytes of
    # the same records in a plain list, whatever the depth they sit at.
    records = [{"id": "a", "parts": [1, 2, {"x": None}]}, {"id": "b", "parts": []}, "plain", 3.5]
    groups = [records[:1], records[1:3], records[3:]]  # a piece may hold several records
    items = opendata_format.JsonItems([(f"f#{n}", frozenset(), lambda group=group: group, None)
                                       for n, group in enumerate(groups)])
    document = {"version": 1, "records": records, "empty": []}
    pieced = {"version": 1, "records": items, "empty": opendata_format.JsonItems([])}
    parts = opendata_format.to_json_parts(pieced, depth)
    assert [part.path for part in parts if isinstance(part, Piece)] == (["f#0", "f#1", "f#2"] if depth >= 2 else [])
    assert join_parts(parts) == opendata_format.to_json(document, depth)
