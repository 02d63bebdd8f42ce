"""``makemessages`` that also reads the Jinja2 templates of the public site (``jinja2/``).

Django's command reads templates with its own template lexer, which knows ``{% translate %}`` and
``{% blocktranslate %}`` but not Jinja2's ``_()``, ``ngettext()`` or ``{% trans %}…{% pluralize %}``
blocks. For a file under a ``jinja2`` folder, the strings are taken by Jinja2's own extractor and written
as the equivalent Python calls, each on its template line, for xgettext; everything else is Django's.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.commands import makemessages
from django.template import engines


def jinja2_as_python(source: str) -> str:
    """The translatable strings of a Jinja2 template as Python calls, at the lines they come from."""
    environment = engines["jinja2"].env
    lines = [""] * (source.count("\n") + 1)
    for lineno, function, message in environment.extract_translations(source):
        strings = message if isinstance(message, tuple) else (message,)
        arguments = ", ".join(repr(string) for string in strings if string is not None)
        if function in ("ngettext", "npgettext"):
            arguments += ", n"
        lines[lineno - 1] += f"{function}({arguments}); "
    return "\n".join(lines)


class BuildFile(makemessages.BuildFile):
    def preprocess(self):
        if self.is_templatized and "jinja2" in Path(self.path).parts:
            source = Path(self.path).read_text(encoding="utf-8")
            Path(self.work_path).write_text(jinja2_as_python(source), encoding="utf-8")
            return
        super().preprocess()


class Command(makemessages.Command):
    build_file_class = BuildFile
