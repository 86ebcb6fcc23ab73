"""`schild --version` prints the installed version."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

from typer.testing import CliRunner

import schild
from schild.cli import app


def test_version_option_prints_the_installed_version():
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0, res.output
    assert res.output.strip() == f"schild {version('schild')}"


def test_version_works_from_the_shell_and_matches_the_manifest_version():
    done = subprocess.run([sys.executable, "-m", "schild.cli", "--version"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip() == f"schild {version('schild')}"
    assert version("schild") == schild.__version__  # the manifests of result files record __version__
