"""`python -m hpsearch.driver render|bench|stills`: what ./render.sh hands over to, once it has set up."""

from __future__ import annotations

import sys

import click

from hpsearch.driver.bench import bench
from hpsearch.driver.render import render
from hpsearch.driver.stills import stills


@click.group(context_settings={"help_option_names": ["-h", "--help"]}, no_args_is_help=False)
def cli() -> None:
    """Render the video, benchmark its render, or remake the README's stills."""


cli.add_command(render)
cli.add_command(bench)
cli.add_command(stills)


def main(argv: list[str] | None = None) -> int:
    """The command's exit status; a usage error is one line, as the driver's own checks say theirs."""
    try:
        status = cli.main(argv, prog_name="render.sh", standalone_mode=False)
    except click.ClickException as err:
        # As the user typed it: `./render.sh --jobs x` runs `render`, `./render.sh bench --runs x` runs `bench`.
        command = err.ctx.command_path.removesuffix(" render") if isinstance(err, click.UsageError) and err.ctx else ""
        print(f"{command or 'render.sh'}: error: {err.format_message()}", file=sys.stderr)
        return err.exit_code
    except click.Abort:  # Ctrl-C outside a render, which handles its own
        return 130
    return status if isinstance(status, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())
