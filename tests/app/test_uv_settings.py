"""scripts/uv_settings.py: set-up's uv is told exactly what pip was told, or set-up installs with pip."""
from __future__ import annotations

import subprocess

import pytest

_RUN = subprocess.run  # the real one: the tests below answer pip's run themselves

from scripts import uv_settings


def _listed(monkeypatch, text: str) -> None:
    """``pip config list`` answering ``text``."""
    def run(args, **kw):
        assert args[1:] == ["-m", "pip", "config", "list"]
        return subprocess.CompletedProcess(args, 0, stdout=text, stderr="")
    monkeypatch.setattr(uv_settings.subprocess, "run", run)


def test_pips_indexes_links_and_constraints_become_uvs_the_environment_over_the_files(monkeypatch):
    _listed(monkeypatch, ":env:.find-links='/env/wheels'\n"
                         ":env:.default-timeout='180'\n"
                         "global.find-links='/etc/wheels'\n"
                         "global.index-url='https://mirror.example/simple'\n"
                         "global.extra-index-url='file:///a/simple file:///b/simple'\n"
                         "global.constraint='/etc/c.txt'\n"
                         "global.cert='/etc/ca.crt'\n")
    found = uv_settings.settings("python")
    args = uv_settings.uv_arguments(found)
    assert args[:2] == ["--index-strategy", "unsafe-best-match"]  # every index read as one, as pip does
    pairs = list(zip(args[2::2], args[3::2]))
    assert ("--find-links", "/env/wheels") in pairs and ("--find-links", "/etc/wheels") not in pairs
    assert ("--index-url", "https://mirror.example/simple") in pairs
    assert [v for k, v in pairs if k == "--extra-index-url"] == ["file:///a/simple", "file:///b/simple"]
    assert ("--constraints", "/etc/c.txt") in pairs
    assert uv_settings.cert_env(found) == ["SSL_CERT_FILE=/etc/ca.crt"]


def test_a_setting_uv_has_no_equal_for_sends_set_up_to_pip(monkeypatch, capsys):
    _listed(monkeypatch, "global.require-hashes='true'\n")
    assert uv_settings.main(["uv_settings.py", "python"]) == 1
    said = capsys.readouterr().out
    assert said.startswith("# ") and "require-hashes" in said  # a shell comment: set-up quotes it


def test_what_it_prints_is_two_bash_arrays(monkeypatch, capsys):
    _listed(monkeypatch, "global.find-links='/opt/$HOME;wheels'\n")
    assert uv_settings.main(["uv_settings.py", "python"]) == 0
    out = capsys.readouterr().out
    got = _RUN(["bash", "-c", out + '\nprintf "%s|" "${uv_args[@]}"; echo "${#uv_env[@]}"'],
                         capture_output=True, text=True, check=True).stdout
    assert got == "--index-strategy|unsafe-best-match|--find-links|/opt/$HOME;wheels|0\n"


@pytest.mark.parametrize("value, flag", [("true", True), ("0", False)])
def test_no_index_is_kept(value, flag):
    assert ("--no-index" in uv_settings.uv_arguments({"no-index": value})) is flag
