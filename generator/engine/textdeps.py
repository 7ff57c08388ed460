"""What a build records for the next one to rebuild after an edit of
articles' text alone (``partialrun.py``): which outputs show each
article's text, and what each of those is made of.

A full build knows every output's sources (``outputs/base.Page``); it keeps
here, in the build cache, those of the outputs whose key takes an article's
text (``base.Page.text_sources``), with the digest of every input and every
content file's records as that build read them. At 10,000 articles that is
about 20,000 outputs (the articles' pages and text files) of the 24,689.

Read back, it is data from disk like the rest of the cache: checked for
shape, and a record that is not as written is no record (the build then
does everything).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from ..core.diagnostics import NOTICE, WARNING, Diagnostic, Diagnostics
from ..core.layout import content_folder
from ..stages.load import is_editors_content_file
from ..outputs.base import EVERYTHING, Output, shows_text_of
from .cache import BuildCache, code_version, digest

# Two files: what the outputs are made of, written by a full build only;
# and the inputs of the last build it holds for, written by every build (a
# build after a text edit leaves the first as it is: 0.08 s at 10,000 articles).
TEXT_DEPS = "text-deps.json"
TEXT_DEPS_INPUTS = "text-deps-inputs.json"
FORMAT = 1
INDEX_TYPES = frozenset({int})  # what a source index may be in the record
ALL_SOURCES = "*"  # in the file: the sources of an output made of every content file


@dataclass(frozen=True)
class TextOutput:
    """An output whose key takes the text of one article or more: its sources
    and the sources whose text it shows (None: every one), as it was planned."""

    path: str
    sources: frozenset[str]
    text_sources: frozenset[str] | None

    def is_planned_as(self, page: Output) -> bool:
        return (page.path, page.sources, page.text_sources) == (self.path, self.sources, self.text_sources)


@dataclass(frozen=True)
class TextDeps:
    """The record of one build (``fingerprint``), for the next build's run
    after an edit of articles' text alone."""

    code: str  # cache.code_version() of the generator that built
    options: Mapping[str, Any]  # pipeline.Settings.options
    inputs: Mapping[str, str]  # every input's digest
    records: Mapping[str, str]  # every content file's records digest (validate.CheckedFile.records_digest)
    problems: Mapping[str, str]  # a digest of each content file's own problems, for those with any
    outputs: tuple[TextOutput, ...]
    diagnostics: tuple[Diagnostic, ...]  # what the build reported (warnings)
    counts: tuple[tuple[str, int], ...]  # records of each kind, as the build said
    fingerprint: str = field(default="", compare=False)  # the build's (cache.build_fingerprint)
    made_by: str = field(default="", compare=False)  # the fingerprint of the full build that wrote TEXT_DEPS

    @classmethod
    def of_run(cls, pages: Mapping[str, Output], inputs: Mapping[str, str], records: Mapping[str, str],
               problems: Mapping[str, list[Diagnostic]], diagnostics: Diagnostics, counts: Mapping[str, int],
               options: Mapping[str, Any]) -> "TextDeps":
        """The record of a full run: ``pages`` its site map, ``problems`` each content file's own."""
        articles = frozenset(path for path in records if path.startswith(f"{content_folder('article')}/"))
        outputs = tuple(TextOutput(page.path, page.sources, page.text_sources) for page in pages.values()
                        if shows_text_of(page, articles))
        return cls(code_version(), dict(options), dict(inputs), dict(records),
                   {path: problems_digest(items) for path, items in problems.items() if items},
                   outputs, tuple(diagnostics), tuple(counts.items()))

    def edited_texts(self, inputs: Mapping[str, str]) -> frozenset[str] | None:
        """The articles whose file changed since, when nothing else did (no
        other input, none added or removed; an editor's backup under content/
        may have: ``load.is_editors_content_file``); None otherwise, or if
        nothing changed. Whether only their text changed is for their records to say."""
        if inputs.keys() != self.inputs.keys():
            return None
        folder = f"{content_folder('article')}/"
        changed = frozenset(path for path, value in inputs.items()
                            if self.inputs[path] != value and not is_editors_content_file(path))
        if not changed or not all(path.startswith(folder) and path in self.records for path in changed):
            return None
        return changed

    def showing_text_of(self, paths: frozenset[str]) -> list[TextOutput] | None:
        """The outputs whose key takes the text of one of ``paths``; None if
        one of them needs the whole model: a page made of every content file
        (/about/data/ when one is the article it quotes). A site-wide file
        that shows every text (annotations.jsonld) is made of pieces, and
        those of ``paths`` are made of what their pages are."""
        showing = [output for output in self.outputs if shows_text_of(output, paths)]
        whole = [output for output in showing if output.sources == EVERYTHING]
        return None if any(output.text_sources is not None for output in whole) else showing

    def after_edit(self, inputs: Mapping[str, str]) -> "TextDeps":
        """The record of a build after an edit of articles' text alone, which
        left every record, problem and output's sources as they were."""
        return replace(self, inputs=dict(inputs))

    def store(self, cache: BuildCache, fingerprint: str) -> None:
        """Store the record of the build of that ``fingerprint``: the inputs,
        and what the outputs are made of unless it is the last full build's."""
        made_by = self.made_by or fingerprint
        if not self.made_by:
            self.store_outputs(cache, made_by)
        cache.store_json(TEXT_DEPS_INPUTS, {"format": FORMAT, "made_by": made_by, "fingerprint": fingerprint,
                                            "inputs": dict(self.inputs)})

    def store_outputs(self, cache: BuildCache, made_by: str) -> None:
        paths = sorted({path for output in self.outputs for path in output.sources | (output.text_sources or set())}
                       - EVERYTHING)
        index = {path: n for n, path in enumerate(paths)}

        def indices(sources: frozenset[str] | None) -> Any:
            if sources is None:
                return None
            return ALL_SOURCES if sources == EVERYTHING else sorted(index[path] for path in sources)

        cache.store_json(TEXT_DEPS, {
            "format": FORMAT, "made_by": made_by, "code": self.code, "options": dict(self.options),
            "records": dict(self.records), "problems": dict(self.problems),
            "paths": paths,
            "outputs": [[output.path, indices(output.sources), indices(output.text_sources)] for output in self.outputs],
            "diagnostics": [[d.path, d.line, d.message, d.severity] for d in self.diagnostics],
            "counts": [list(pair) for pair in self.counts],
        })

    @classmethod
    def load(cls, cache: BuildCache) -> "TextDeps | None":
        """The record stored by the last build; None if there is none, or it is not as a build writes it."""
        value, ran = cache.load_json(TEXT_DEPS), cache.load_json(TEXT_DEPS_INPUTS)
        try:
            if not isinstance(value, dict) or not isinstance(ran, dict) or value["format"] != FORMAT \
                    or ran["format"] != FORMAT or ran["made_by"] != value["made_by"]:
                return None
            paths = value["paths"]
            if not all(isinstance(path, str) for path in paths):
                return None

            def sources(item: Any) -> frozenset[str] | None:
                if item is None:
                    return None
                if item == ALL_SOURCES:
                    return EVERYTHING
                # Indexes into paths (ints, not booleans, which index too); one out of
                # range raises IndexError below. Checked at C speed: 40,000 sets of
                # them at 10,000 articles.
                if not INDEX_TYPES.issuperset(map(type, item)) or (item and min(item) < 0):
                    raise ValueError("not an index of a path")
                return frozenset(map(paths.__getitem__, item))

            outputs = tuple(TextOutput(path, sources(of), sources(text)) for path, of, text in value["outputs"])
            if any(not isinstance(o.path, str) or o.sources is None for o in outputs):
                return None
            return cls(
                code=str(value["code"]), options=dict(value["options"]),
                inputs=strings(ran["inputs"]), records=strings(value["records"]), problems=strings(value["problems"]),
                outputs=outputs,
                diagnostics=tuple(Diagnostic(str(p), int(line), str(m), severity(s)) for p, line, m, s in value["diagnostics"]),
                counts=tuple((str(kind), int(n)) for kind, n in value["counts"]),
                fingerprint=str(ran["fingerprint"]), made_by=str(value["made_by"]),
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError, OverflowError):
            return None


def severity(value: Any) -> str:
    """A recorded diagnostic's severity: a build that was recorded had no errors."""
    if value not in (WARNING, NOTICE):
        raise ValueError(f"not the severity of a recorded diagnostic: {value!r}")
    return value


def strings(value: Any) -> dict[str, str]:
    """A mapping of text to text, or ValueError."""
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise ValueError("not a mapping of strings")
    return dict(value)


def problems_digest(problems: list[Diagnostic]) -> str:
    return digest(json.dumps([[d.path, d.line, d.message, d.severity] for d in problems]).encode())
