"""Rules every template keeps. A template that lays out a form field by field shows the visible
fields with their labels and puts the hidden ones (a submission key) in without one: looping
over the whole form printed "Submission key:" above nothing on three pages. A count in a
translated sentence is formatted."""

import re
from pathlib import Path

from django.conf import settings

LOOP = re.compile(r"\{% for (\w+) in (\w+) %\}(.{0,200}?)\{% endfor %\}", re.S)


def test_no_form_loop_labels_its_hidden_fields():
    found = []
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for var, form, body in LOOP.findall(path.read_text(encoding="utf-8")):
            if f"{var}.label_tag" in body and "{% if" not in body:
                found.append(f"{path.relative_to(settings.BASE_DIR)}: for {var} in {form}")
    assert not found, "loop over form.visible_fields (and form.hidden_fields apart):\n" + "\n".join(
        found
    )


BLOCK_WITH = re.compile(r"\{% blocktranslate with ([^%]*)%\}")


def test_counts_in_sentences_are_formatted():
    """A count put into a translated sentence reads 1.720, not 1720 (vnint)."""
    found = []
    for path in Path(settings.BASE_DIR).glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for args in BLOCK_WITH.findall(path.read_text(encoding="utf-8")):
            # |vnint last in the chain of filters (after an |add, which needs a number)
            if re.search(r"\|length(?![^\s]*\|vnint)", args):
                found.append(f"{path.relative_to(settings.BASE_DIR)}: {args.strip()}")
    assert not found, "\n".join(found)
