"""The templates' context calls macros and plain Python functions the short
way (environment.PageContext): what they return, what they are passed, and
where an error in them is reported, as with Jinja's own Context.call."""

from __future__ import annotations

import functools
import gettext

import jinja2
import pytest
from babel import Locale

from generator.core.translations import Interface
from generator.outputs.environment import PageContext, make_environment
from generator.outputs.render import template_location

TEMPLATES = {
    "_lib.html": (
        "{% macro card(x, label='none', big=false) -%}"
        "<b>{{ label }}:{{ x }}{% if big %}!{% endif %}</b>"
        "{%- endmacro %}\n"
        "{% macro broken(x) -%}\n"
        "{{ x.missing }}\n"
        "{%- endmacro %}\n"
    ),
    "page.html": (
        '{% import "_lib.html" as m with context %}'
        "{{ m.card('<a>') }}|{{ m.card(1, label='&') }}|{{ m.card(2, 'l', true) }}|"
        "{% for i in [1, 2] %}{{ m.card(i) }}{{ plain(i) }}{{ part(i) }}{{ with_context() }}{% endfor %}|"
        "{% for i in [1, 2] %}{% set seen = i * 10 %}{{ loop_var() }}{% endfor %}|"
        "{{ items.items()|list|length }}|{{ _('Hello %(name)s', name='<me>') }}\n"
    ),
    "broken.html": '{% import "_lib.html" as m %}\n\n{{ m.broken(1) }}\n',
    "raises.html": "\n{{ stops() }}|{{ m() }}\n",
}


@jinja2.pass_context
def with_context(context):
    return context["site_name"]


@jinja2.pass_context
def loop_var(context):  # a variable set in the loop: Jinja passes a context derived with it
    return context.get("seen")


def render(name: str, context_class: type | None = None, **values) -> str:
    env = make_environment({}, Interface("en", Locale.parse("en"), gettext.NullTranslations()))
    env.loader = jinja2.FunctionLoader(lambda name: (TEMPLATES[name], f"/templates/{name}", lambda: True))
    if context_class is not None:
        env.context_class = context_class
    return env.get_template(name).render(
        site_name="Site", plain=lambda i: f"<{i}>", part=functools.partial(lambda a, i: a * i, "&"),
        with_context=with_context, loop_var=loop_var, items={"a": 1}, **values)


def test_the_environment_uses_it():
    assert make_environment({}, Interface("en", Locale.parse("en"), gettext.NullTranslations())).context_class is PageContext


def test_calls_give_what_jinjas_own_context_gives():
    shown = render("page.html")
    assert shown == render("page.html", jinja2.runtime.Context)
    assert shown.startswith("<b>none:&lt;a&gt;</b>|<b>&amp;:1</b>|<b>l:2!</b>|<b>none:1</b>&lt;1&gt;&amp;Site")
    assert shown.endswith("|1020|1|Hello &lt;me&gt;\n")


@pytest.mark.parametrize("context_class", [None, jinja2.runtime.Context])
def test_an_error_in_a_macro_is_located_in_its_template(context_class):
    with pytest.raises(jinja2.UndefinedError) as raised:
        render("broken.html", context_class)
    assert template_location(raised.value, "broken.html") == ("_lib.html", 3)


def test_a_callable_that_stops_iteration_is_undefined_as_in_jinja():
    def stops():
        raise StopIteration

    with pytest.raises(jinja2.UndefinedError, match="StopIteration"):
        render("raises.html", stops=stops, m=lambda: "x")
