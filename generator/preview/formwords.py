"""The annotation form's words in the site's language (issue 15): its HTML
(``form_html``) and what its script says (``script_words``), both sent with
an article page's settings (``annotating.page_settings``), so the script
(``annotateform.py``) holds no word of its own and no second catalogue is
needed. Every message is marked ``N_`` here for ``pybabel extract``.
"""

from __future__ import annotations

from html import escape

from ..core.translations import N_, Interface
from ..core.wording import STANCE_LABELS
from .pagewords import language_attributes

# What the script says (it reads them from the page settings: script_words()).
SCRIPT_WORDS = {
    "open": N_("Annotate (A)"),
    "title_new": N_("Annotate the selection"),
    "title_edit": N_("Edit the mention"),
    "save": N_("Save"),
    "save_changes": N_("Save changes"),
    "not_loaded": N_("The claims and actors could not be loaded: is factcheck serve still running?"),
    "draft": N_("%(statement)s (draft)"),
    "new_claim": N_("Create a new claim: “%(text)s”"),
    "new_actor": N_("Create a new actor: “%(text)s”"),
    "own_voice": N_("The outlet’s own voice"),
    "no_actor": N_("no actor"),
    "outlet": N_("outlet"),
    "mark_hint": N_("Enter: edit or remove this mention"),
    "text_hint": N_("Article text: the arrow keys move, Shift and the arrow keys select, A annotates the selection"),
    "quoted": N_("“%(text)s”"),
    # The unit field's hint once the claim field names a claim with a unit.
    "claim_unit": N_("Only when the figure counts something other than the claim’s unit, “%(unit)s”; "
                     "empty: that unit."),
    "saving": N_("Saving…"),
    "no_answer": N_("No answer from factcheck serve: is it still running?"),
    "removed": N_("Removed. The page reloads after the rebuild."),
    "unchanged": N_("Nothing has changed."),
    "saved": N_("Saved. The page reloads after the rebuild."),
    "saved_quote": N_("Saved: “%(quote)s”. The page reloads after the rebuild."),
    "saved_quote_created": N_("Saved: “%(quote)s” (created %(files)s). The page reloads after the rebuild."),
}
# A field's hint, until it holds an id the catalogue knows (then it says what that id stands for).
HINTS = {
    "claim": N_("Words of its statement or its id; the last choice creates a new claim."),
    "actor": N_("Name, alias or id; empty: the outlet’s own voice."),
    "via": N_("Who relayed the statement: an actor or outlet; empty: told directly."),
    "attributed": N_("Whose figure the speaker cites: an actor or outlet."),
    "unit": N_("Only when the figure counts something other than the claim’s unit; empty: the claim’s unit."),
}
KIND_LABELS = {"person": N_("Person"), "organisation": N_("Organisation")}
ID_RULE = N_("lowercase letters, digits and hyphens")


def script_words(words: Interface) -> dict:
    """The script's words in the site's language, for the page settings."""
    return {**{key: words.gettext(message) for key, message in SCRIPT_WORDS.items()},
            "hints": {key: words.gettext(message) for key, message in HINTS.items()},
            "stances": {stance: words.gettext(label) for stance, label in STANCE_LABELS.items()},
            "form": form_html(words)}


# The form's own words (form_html).
FORM_WORDS = {
    "title": N_("Annotate the selection"),
    "mention": N_("Mention"),
    "claim": N_("Claim"),
    "claims": N_("Claims"),
    "new_claim": N_("New claim"),
    "statement": N_("Statement"),
    "id": N_("Id"),
    "actor": N_("Actor"),
    "own_voice": N_("the outlet’s own voice"),
    "actors": N_("Actors"),
    "new_actor": N_("New actor"),
    "name": N_("Name"),
    "kind": N_("Kind"),
    "stance": N_("Stance"),
    "note": N_("Note"),
    "more": N_("More: via, a figure"),
    "via": N_("Via"),
    "told_directly": N_("told directly"),
    "sources": N_("Actors and outlets"),
    "figure": N_("Figure"),
    "hint_value": N_("A number, for a claim about a quantity; empty: none."),
    "unit": N_("Unit"),
    "whose_figure": N_("Whose figure"),
    "speakers_own": N_("The speaker’s own"),
    "attributed_other": N_("Attributed to another actor or outlet"),
    "attributed_to": N_("Attributed to"),
    "save": N_("Save"),
    "remove": N_("Remove"),
    "cancel": N_("Cancel"),
}


def form_html(words: Interface) -> str:
    """The form's HTML, in the site's language and direction (the quote and what
    is typed follow their own, ``dir="auto"``); the ids, names and values the
    script and the endpoints read stay as they are."""
    w = {key: escape(words.gettext(message)) for key, message in FORM_WORDS.items()}
    w.update({f"hint_{key}": escape(words.gettext(message)) for key, message in HINTS.items()},
             id_rule=escape(words.gettext(ID_RULE)))
    stances = "".join(f'<option value="{stance}">{escape(words.gettext(label))}</option>'
                      for stance, label in STANCE_LABELS.items())
    kinds = "".join(f'<option value="{kind}">{escape(words.gettext(label))}</option>' for kind, label in KIND_LABELS.items())
    return (
        f'<form method="dialog"{language_attributes(words)}><h2 id="fca-title">{w["title"]}</h2>'
        '<blockquote id="fca-quote" dir="auto"></blockquote>'
        f'<div class="fca-field" id="fca-which-field" hidden><label for="fca-which">{w["mention"]}</label>'
        '<select id="fca-which"></select></div>'
        f'<div class="fca-field"><label for="fca-claim">{w["claim"]}</label>'
        '<input id="fca-claim" name="claim" dir="auto" role="combobox" aria-autocomplete="list" aria-expanded="false"'
        ' aria-controls="fca-claim-list" aria-describedby="fca-claim-hint" autocomplete="off" required>'
        f'<ul id="fca-claim-list" role="listbox" aria-label="{w["claims"]}" hidden></ul>'
        f'<p class="fca-hint" id="fca-claim-hint">{w["hint_claim"]}</p></div>'
        f'<fieldset id="fca-new-claim" hidden><legend>{w["new_claim"]}</legend>'
        f'<div class="fca-field"><label for="fca-claim-statement">{w["statement"]}</label>'
        '<textarea id="fca-claim-statement" dir="auto" rows="2"></textarea></div>'
        f'<div class="fca-field"><label for="fca-claim-id">{w["id"]}</label><input id="fca-claim-id" autocomplete="off"'
        f' pattern="[a-z0-9]+(-[a-z0-9]+)*" title="{w["id_rule"]}" dir="ltr"></div></fieldset>'
        f'<div class="fca-field"><label for="fca-actor">{w["actor"]}</label>'
        '<input id="fca-actor" name="actor" dir="auto" role="combobox" aria-autocomplete="list" aria-expanded="false"'
        ' aria-controls="fca-actor-list" aria-describedby="fca-actor-hint" autocomplete="off"'
        f' placeholder="{w["own_voice"]}">'
        f'<ul id="fca-actor-list" role="listbox" aria-label="{w["actors"]}" hidden></ul>'
        f'<p class="fca-hint" id="fca-actor-hint">{w["hint_actor"]}</p></div>'
        f'<fieldset id="fca-new-actor" hidden><legend>{w["new_actor"]}</legend>'
        f'<div class="fca-field"><label for="fca-actor-name">{w["name"]}</label><input id="fca-actor-name" dir="auto"></div>'
        f'<div class="fca-field"><label for="fca-actor-id">{w["id"]}</label><input id="fca-actor-id" autocomplete="off"'
        f' pattern="[a-z0-9]+(-[a-z0-9]+)*" title="{w["id_rule"]}" dir="ltr"></div>'
        f'<div class="fca-field"><label for="fca-actor-kind">{w["kind"]}</label><select id="fca-actor-kind">'
        f'{kinds}</select></div></fieldset>'
        f'<div class="fca-field"><label for="fca-stance">{w["stance"]}</label><select id="fca-stance" name="stance">'
        f'{stances}</select></div>'
        f'<div class="fca-field"><label for="fca-note">{w["note"]}</label><textarea id="fca-note" name="note" dir="auto" rows="2">'
        '</textarea></div>'
        f'<details id="fca-more"><summary>{w["more"]}</summary>'
        f'<div class="fca-field"><label for="fca-via">{w["via"]}</label>'
        '<input id="fca-via" name="via" dir="auto" role="combobox" aria-autocomplete="list" aria-expanded="false"'
        ' aria-controls="fca-via-list" aria-describedby="fca-via-hint" autocomplete="off"'
        f' placeholder="{w["told_directly"]}">'
        f'<ul id="fca-via-list" role="listbox" aria-label="{w["sources"]}" hidden></ul>'
        f'<p class="fca-hint" id="fca-via-hint">{w["hint_via"]}</p></div>'
        f'<div class="fca-field"><label for="fca-value">{w["figure"]}</label>'
        '<input id="fca-value" name="value" type="number" step="any" inputmode="decimal" aria-describedby="fca-value-hint">'
        f'<p class="fca-hint" id="fca-value-hint">{w["hint_value"]}</p></div>'
        f'<div class="fca-field" id="fca-unit-field" hidden><label for="fca-unit">{w["unit"]}</label>'
        '<input id="fca-unit" name="unit" dir="auto" autocomplete="off" aria-describedby="fca-unit-hint">'
        f'<p class="fca-hint" id="fca-unit-hint">{w["hint_unit"]}</p></div>'
        f'<fieldset id="fca-whose" hidden><legend>{w["whose_figure"]}</legend>'
        '<label class="fca-choice"><input type="radio" name="whose" value="own" id="fca-whose-own" checked>'
        f'{w["speakers_own"]}</label>'
        '<label class="fca-choice"><input type="radio" name="whose" value="other" id="fca-whose-other">'
        f'{w["attributed_other"]}</label>'
        f'<div class="fca-field" id="fca-attributed-field" hidden><label for="fca-attributed">{w["attributed_to"]}</label>'
        '<input id="fca-attributed" name="value_attributed_to" dir="auto" role="combobox" aria-autocomplete="list"'
        ' aria-expanded="false" aria-controls="fca-attributed-list" aria-describedby="fca-attributed-hint"'
        ' autocomplete="off">'
        f'<ul id="fca-attributed-list" role="listbox" aria-label="{w["sources"]}" hidden></ul>'
        f'<p class="fca-hint" id="fca-attributed-hint">{w["hint_attributed"]}</p></div>'
        '</fieldset></details>'
        f'<p role="alert" id="fca-message"></p><div class="fca-buttons"><button value="save" id="fca-save">{w["save"]}</button>'
        f'<button type="button" id="fca-remove" hidden>{w["remove"]}</button>'
        f'<button value="cancel" id="fca-cancel" formnovalidate>{w["cancel"]}</button></div></form>'
    )
