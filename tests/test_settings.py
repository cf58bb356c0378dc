"""Settings: one validated table; create_app config over environment over defaults."""
import re
import subprocess
import sys

import pytest

from search_app import create_app
from search_app.settings import SETTINGS, SettingsError, load_settings

from .conftest import ROOT


def test_defaults_environment_and_config_in_that_order(index_dir):
    assert load_settings({}, environ={})["PER_PAGE"] == 10
    assert load_settings({}, environ={"KENNISBANK_PER_PAGE": "20"})["PER_PAGE"] == 20
    assert load_settings({"PER_PAGE": 30}, environ={"KENNISBANK_PER_PAGE": "20"})["PER_PAGE"] == 30
    origins = load_settings({}, environ={"KENNISBANK_CORS_ORIGINS": "https://a.nl/, https://b.nl"})["CORS_ORIGINS"]
    assert origins == ["https://a.nl", "https://b.nl"]
    app = create_app({"INDEX_DIR": str(index_dir), "SITE_NAME": "Testbank"})
    assert app.config["SITE_NAME"] == "Testbank" and app.config["INDEX_DIR"] == str(index_dir)


@pytest.mark.parametrize("overrides,environ,named", [
    ({}, {"KENNISBANK_PER_PAGE": "tien"}, "KENNISBANK_PER_PAGE"),
    ({}, {"KENNISBANK_PER_PAGE": "0"}, "KENNISBANK_PER_PAGE"),
    ({"PER_PAGE": 51}, {}, "PER_PAGE"),
    ({}, {"KENNISBANK_CORS_ORIGINS": "www.example.nl"}, "KENNISBANK_CORS_ORIGINS"),
    ({"INDX_DIR": "var/index"}, {}, "INDX_DIR"),
    ({"SITE_NAME": ""}, {}, "SITE_NAME"),
    ({}, {"KENNISBANK_PUBLIC_URL": "kennisbank.example.nl"}, "KENNISBANK_PUBLIC_URL"),
    ({"PUBLIC_URL": "https://kennisbank.example.nl/?q=x"}, {}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "https://a.nl, https://b.nl"}, {}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "https://kennisbank.example.nl:443a"}, {}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "https://kennisbank.example.nl:70000"}, {}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "https://beheer:geheim@kennisbank.example.nl"}, {}, "PUBLIC_URL"),
    ({"PUBLIC_URL": "https://[::1"}, {}, "PUBLIC_URL"),
])
def test_bad_or_unknown_settings_are_refused_naming_the_setting(overrides, environ, named):
    with pytest.raises(SettingsError, match=re.escape(named)):
        load_settings(overrides, environ=environ)


@pytest.mark.parametrize("given, kept", [
    ("https://kennisbank.example.nl/", "https://kennisbank.example.nl"),
    ("http://10.0.0.7:8080", "http://10.0.0.7:8080"),
    ("https://[2001:db8::7]:8443/", "https://[2001:db8::7]:8443"),
    ("https://www.example.nl/kennisbank", "https://www.example.nl/kennisbank"),
    ("", ""),
])
def test_public_url_takes_names_ip_addresses_ports_and_a_path(given, kept):
    assert load_settings({"PUBLIC_URL": given}, environ={})["PUBLIC_URL"] == kept


def test_flask_own_keys_pass(index_dir):
    assert create_app({"INDEX_DIR": str(index_dir), "TESTING": True}).config["TESTING"] is True


def test_every_setting_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.help
        assert re.search(rf"\| `{setting.name}` \| `{setting.env}` \|", readme), setting.name


def test_serve_prints_the_settings_table_and_refuses_bad_values(index_dir):
    run = [sys.executable, "-m", "search_app.cli", "serve", "--index", str(index_dir)]
    table = subprocess.run([*run, "--help-settings"], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert table.returncode == 0
    for setting in SETTINGS:
        assert setting.env in table.stdout and setting.help in table.stdout
    bad = subprocess.run(run, capture_output=True, text=True, cwd=ROOT, timeout=60,
                         env={"PATH": "/usr/bin:/bin", "KENNISBANK_PER_PAGE": "tien"})
    assert bad.returncode == 2 and "KENNISBANK_PER_PAGE" in bad.stderr and "Traceback" not in bad.stderr
