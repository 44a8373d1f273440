"""Every text a page shows in Indonesian has its English form: the templates' messages,
the step titles the domain names, and the messages the web's forms write."""

import ast
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from domain.notices import STEP_TITLES
from web import forms, i18n
from web.routes import (
    appraisal,
    audit,
    dashboard,
    exports,
    extensions,
    organisation,
    penilaian,
    periods,
    team,
    tindak_lanjut,
    units,
    wawancara,
)

WEB = Path(i18n.__file__).parent


def template_messages() -> set[str]:
    found = extract_from_dir(
        str(WEB / "templates"),
        method_map=[("**.html", "jinja2")],
        options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
    )
    # a plural message is a (singular, plural) pair; the catalogue keys it by the singular
    return {message if isinstance(message, str) else message[0] for _, _, message, _, _ in found}


def indonesian_strings(module: object) -> set[str]:
    """String constants of a module that are messages to people (they contain a space)."""
    tree = ast.parse(Path(str(getattr(module, "__file__", ""))).read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
    }
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and id(node) not in docstrings
        and isinstance(node.value, str)
        and " " in node.value
        and node.value[:1].isupper()
        and "{" not in node.value
        and "\n" not in node.value
        and not node.value.endswith(", ")
    }


def test_every_page_text_has_an_english_translation() -> None:
    with (WEB / "translations" / "en" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        catalogue = read_po(source, locale="en")
    messages = template_messages() | set(STEP_TITLES.values()) | indonesian_strings(forms)
    for module in (
        appraisal,
        wawancara,
        penilaian,
        tindak_lanjut,
        team,
        units,
        periods,
        organisation,
        extensions,
        audit,
        exports,
        dashboard,
    ):
        messages |= indonesian_strings(module)
    assert len(messages) > 100
    missing = sorted(m for m in messages if not (m in catalogue and catalogue[m].string))
    assert missing == []


def test_indonesian_is_the_default_and_needs_no_catalogue() -> None:
    assert i18n.DEFAULT_LOCALE == "id"
    assert i18n.translations("id").gettext("Beranda") == "Beranda"
    assert i18n.translations("en").gettext("Beranda") == "Home"
