"""``workbench termbase``: TBX files into the termbase, and the termbase out as TBX.

Each command parses its arguments, calls one library function (``termbase.import_tbx``,
``termbase.export_tbx``) and turns a ``WorkbenchError`` into a one-line message and exit
status 1, as ``workbench memory`` does.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask_babel import ngettext

from workbench.commands import current_database, sum_up
from workbench.db import session_scope
from workbench.errors import WorkbenchError


@click.group("termbase")
def termbase() -> None:
    """The termbase: concepts and their terms, from TBX files and the terminologist's
    decisions on flags.

    Example: workbench termbase import glossary.tbx
    """


@termbase.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def import_(files: tuple[str, ...]) -> None:
    """Import TBX files (TBX v3 in the DCA or DCT style, or TBX v2) into the termbase, each
    on its own: a file that cannot be read is reported with its reason and nothing of it is
    kept, and the others are imported all the same. With several files, a summary ends the
    output; the exit status is 1 if any file was refused.

    Example: workbench termbase import astronomy.tbx client-glossary.tbx
    """
    from workbench.terminology.termbase import import_tbx

    url = current_database()
    imported: list[int] = []
    refused: list[str] = []
    for path in files:
        name = Path(path).name
        try:
            with open(path, "rb") as source, session_scope(url) as session:
                done = import_tbx(session, source, name=name)
            click.echo(ngettext("%(name)s: %(count)s concept imported",
                                "%(name)s: %(count)s concepts imported", done.added,
                                name=name, count=done.added)
                       + (ngettext(", %(count)s already in the termbase.",
                                   ", %(count)s already in the termbase.", done.known,
                                   count=done.known) if done.known else "."))
            imported.append(done.added)
        except OSError as error:
            refused.append(f"{path}: cannot be read ({error.strerror}).")
        except WorkbenchError as error:  # the file's name and the reason
            refused.append(error.message)
        else:
            continue
        click.echo(f"Error: {refused[-1]}", err=True)
    concepts = sum(imported)
    sum_up(len(files), len(imported), ngettext("%(count)s concept", "%(count)s concepts",
                                               concepts, count=f"{concepts:,}"), refused)


@termbase.command("export")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="The TBX file; default stdout.")
@click.option("--langs", help="Languages, comma-separated: codes or languages (en is every "
                              "en-*); default all.")
def export(output: str | None, langs: str | None) -> None:
    """Export the termbase as TBX v3 (TBX-Basic, DCA style): every concept, its terms and
    statuses, and what imported files said of them (definitions, notes, contexts ...).

    Example: workbench termbase export -o termbase.tbx --langs en,ru
    """
    import sys

    from workbench.terminology.termbase import export_tbx

    wanted = [code.strip() for code in (langs or "").split(",") if code.strip()]
    try:
        with session_scope(current_database()) as session:
            document = export_tbx(session, langs=wanted or None)
        if output:
            with open(output, "wb") as out:
                out.write(document)
        else:
            sys.stdout.buffer.write(document)
    except OSError as error:
        raise click.ClickException(f"{output}: cannot be written ({error.strerror}).") \
            from error
    except WorkbenchError as error:
        raise click.ClickException(error.message) from error
