"""The `stategen` command line: each command maps its flags to one library call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from ._exit import reporting_errors


class _Command(TyperCommand):
    """Usage lines as people read them elsewhere: `new [OPTIONS] DEST`, not `{DEST}`.

    Typer marks a required argument with braces in the usage line; the metavar alone (and
    `[PROJECT]` for an optional one) is the convention of click, argparse and man pages.
    """

    def collect_usage_pieces(self, ctx: Any) -> list[str]:  # Typer's vendored click.Context
        pieces = super().collect_usage_pieces(ctx)
        return [p[1:-1] if p.startswith("{") and p.endswith("}") else p for p in pieces]


app = typer.Typer(
    name="stategen",
    help="Generate a crash-safe, versioned JSON state library from a YAML spec.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
    pretty_exceptions_enable=False,
    # Plain help text: loading rich for markup roughly doubles the time of `--help`.
    rich_markup_mode=None,
)

#: The `--project/-p` option every command that works on a project takes.
ProjectOption = Annotated[
    Path | None,
    typer.Option(
        "--project",
        "-p",
        metavar="DIR",
        show_default=False,
        help="The project's top directory (default: the current directory).",
    ),
]


def _show_version(value: bool) -> None:
    if value:
        from . import __version__  # read on demand: see stategen/__init__.py

        typer.echo(f"stategen {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_show_version, is_eager=True, help="Show the version and exit."
        ),
    ] = False,
) -> None:
    """Generate a crash-safe, versioned JSON state library from a YAML spec."""


def _interactive(defaults: bool) -> bool:
    """Prompt like Copier does only when asked to and a person is there to answer."""
    return not defaults and sys.stdin.isatty()


@app.command(cls=_Command)
def new(
    dest: Annotated[
        Path,
        typer.Argument(
            metavar="DEST", help="Directory to create (missing, empty, or a fresh `git init`)."
        ),
    ],
    spec: Annotated[
        Path | None,
        typer.Option(
            "--spec",
            "-s",
            metavar="FILE",
            show_default=False,
            help="The state-schema spec (stategen.yml); asked for in a terminal if missing.",
        ),
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(
            metavar="PATH_OR_URL",
            help="Template path or git URL (default: the one shipped with stategen).",
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option("--vcs-ref", metavar="REF", help="Template version (git tag or commit)."),
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Never prompt; a spec must then be given.")
    ] = False,
) -> None:
    """Create a new state library in DEST from a spec."""
    from .commands.new import new as run_new
    from .errors import UsageError

    with reporting_errors():
        interactive = _interactive(defaults)
        if spec is None and interactive:
            spec = Path(typer.prompt("Spec file", default="stategen.yml"))
        if spec is None:
            raise UsageError(
                "stategen new needs a spec: pass --spec FILE (a stategen.yml; see "
                "docs/spec-reference.md), or run it in a terminal to be asked for one"
            )
        result = run_new(
            dest, spec_path=spec, template=template, vcs_ref=vcs_ref, interactive=interactive
        )
        typer.echo(result.summary())


@app.command(cls=_Command)
def bump(
    project: ProjectOption = None,
    defaults: Annotated[
        bool,
        typer.Option("--defaults", help="Never prompt; ambiguous cases get stubs, never guesses."),
    ] = False,
    keep_conflicts: Annotated[
        bool,
        typer.Option(
            "--keep-conflicts", help="Write conflicting regenerated files with conflict markers."
        ),
    ] = False,
) -> None:
    """Release stategen.yml as the next schema version: migration, fixture, regenerated code."""
    from .commands.bump import bump as run_bump
    from .evolve import InteractiveQuestioner, Questioner

    with reporting_errors():
        questioner = InteractiveQuestioner() if _interactive(defaults) else Questioner()
        result = run_bump(
            project or Path("."), questioner=questioner, keep_conflicts=keep_conflicts
        )
        typer.echo(result.summary())


@app.command(cls=_Command)
def check(
    project: ProjectOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check that the spec is released, the model generated from it, the migration chain
    whole and every stub filled."""
    from .commands.check import check as run_check
    from .errors import CheckFailed

    with reporting_errors():
        report = run_check(project or Path("."))
        for note in report.notes:
            typer.echo(note, err=True)
        typer.echo(report.to_json() if as_json else report.render())
        if not report.ok:
            where = "in the report's problems" if as_json else "listed above"
            raise CheckFailed(f"stategen check found {len(report.problems)} problem(s), {where}")


@app.command(cls=_Command)
def schema(
    project: ProjectOption = None,
    version: Annotated[
        str | None,
        typer.Option(
            "--version",
            metavar="VERSION",
            help="A released schema version (default: the newest).",
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", metavar="PATH", help="Write it here instead of stdout."),
    ] = None,
) -> None:
    """Write the JSON Schema (draft 2020-12) of the state file of a released version."""
    from .commands.schema import schema as run_schema
    from .commands.schema import write_schema

    with reporting_errors():
        text = run_schema(project or Path("."), version=version)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_schema(text, output)
            typer.echo(f"Wrote {output}")


@app.command(cls=_Command)
def update(
    positional: Annotated[
        Path | None,
        typer.Argument(
            metavar="PROJECT",
            show_default=False,
            help="The project's top directory, as --project gives it.",
        ),
    ] = None,
    project: ProjectOption = None,
    template: Annotated[
        str | None,
        typer.Option(
            metavar="PATH_OR_URL",
            help="Update from this template path or git URL instead of the recorded one.",
        ),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref",
            metavar="REF",
            help="Template version to move to (default: this stategen's own).",
        ),
    ] = None,
) -> None:
    """Bring template fixes into a generated project, keeping your edits (3-way merge)."""
    from .commands.update import update as run_update
    from .errors import UsageError

    with reporting_errors():
        if positional is not None and project is not None and positional != project:
            raise UsageError(f"two projects given ({positional} and --project {project}); give one")
        root = project or positional or Path(".")
        typer.echo(run_update(root, template=template, vcs_ref=vcs_ref).summary())


def main() -> None:
    """Console-script entry point."""
    app()
