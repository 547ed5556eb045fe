"""Log lines are written once: a logger and its ancestors hold one handler between them."""

import logging
import sys

import pytest


def _handlers_on_the_way_up(name: str) -> list[logging.Handler]:
    """The handlers settings.LOGGING gives the logger and its ancestors (the root logger, which the
    settings leave alone and pytest equips with its own capture handlers, not counted)."""
    logger, found = logging.getLogger(name), []
    while logger is not None and logger is not logging.root:
        found += logger.handlers
        logger = logger.parent if logger.propagate else None
    return found


@pytest.mark.parametrize("name", ["kexie.security", "kexie.imports", "kexie", "django.request"])
def test_each_line_reaches_one_handler(name):
    # Django configured logging from settings.LOGGING when the test run started
    assert len(_handlers_on_the_way_up(name)) == 1


def test_a_security_warning_is_written_once(capsys):
    handler = _handlers_on_the_way_up("kexie.security")[0]
    stream, handler.stream = handler.stream, sys.stderr
    try:
        logging.getLogger("kexie.security").warning("scope denial: test line")
    finally:
        handler.stream = stream
    assert capsys.readouterr().err.count("scope denial: test line") == 1
