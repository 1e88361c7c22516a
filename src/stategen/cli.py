"""The `stategen` command line: each command maps its flags to one library call."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from ._exit import reporting_errors

app = typer.Typer(
    name="stategen",
    help="Generate a crash-safe, versioned JSON state library from a YAML spec.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help text: loading rich for markup roughly doubles the time of `--help`.
    rich_markup_mode=None,
)


def _show_version(value: bool) -> None:
    if value:
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


@app.command()
def new(
    dest: Annotated[Path, typer.Argument(help="Directory to create (missing or empty).")],
    spec: Annotated[
        Path | None, typer.Option("--spec", "-s", help="The state-schema spec (stategen.yml).")
    ] = None,
    template: Annotated[
        str | None,
        typer.Option(help="Template path or git URL (default: the one shipped with stategen)."),
    ] = None,
    vcs_ref: Annotated[
        str | None, typer.Option("--vcs-ref", help="Template version (git tag or commit).")
    ] = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Never prompt; use defaults for anything unset.")
    ] = False,
) -> None:
    """Create a new state library in DEST from a spec."""
    from .commands.new import new as run_new

    with reporting_errors():
        result = run_new(
            dest,
            spec_path=spec,
            template=template,
            vcs_ref=vcs_ref,
            interactive=_interactive(defaults),
        )
        typer.echo(result.summary())


@app.command()
def bump(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project's top directory.")
    ] = Path("."),
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
        result = run_bump(project, questioner=questioner, keep_conflicts=keep_conflicts)
        typer.echo(result.summary())


@app.command()
def check(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project's top directory.")
    ] = Path("."),
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check that the spec is released, the migration chain whole and every stub filled."""
    from .commands.check import check as run_check
    from .errors import CheckFailed

    with reporting_errors():
        report = run_check(project)
        typer.echo(report.to_json() if as_json else report.render())
        if not report.ok:
            raise CheckFailed(
                f"stategen check found {len(report.problems)} problem(s), listed above"
            )


@app.command()
def schema(
    project: Annotated[
        Path, typer.Option("--project", "-p", help="The project's top directory.")
    ] = Path("."),
    version: Annotated[
        str | None,
        typer.Option("--version", help="A released schema version (default: the newest)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write it here instead of stdout.")
    ] = None,
) -> None:
    """Write the JSON Schema (draft 2020-12) of the state file of a released version."""
    from .commands.schema import schema as run_schema
    from .commands.schema import write_schema

    with reporting_errors():
        text = run_schema(project, version=version)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_schema(text, output)
            typer.echo(f"Wrote {output}")


@app.command()
def update(
    project: Annotated[
        Path, typer.Argument(help="The project's top directory (a clean git worktree).")
    ] = Path("."),
    template: Annotated[
        str | None,
        typer.Option(help="Update from this template path or git URL instead of the recorded one."),
    ] = None,
    vcs_ref: Annotated[
        str | None,
        typer.Option(
            "--vcs-ref", help="Template version to move to (default: this stategen's own)."
        ),
    ] = None,
) -> None:
    """Bring template fixes into a generated project, keeping your edits (3-way merge)."""
    from .commands.update import update as run_update

    with reporting_errors():
        typer.echo(run_update(project, template=template, vcs_ref=vcs_ref).summary())


def main() -> None:
    """Console-script entry point."""
    app()
