"""The shell's pure pieces: the section registry, settings validation, enrollment helpers, error wording."""

from __future__ import annotations

import pytest

from ssp_tui.api import errors
from ssp_tui.api.models.auth import User
from ssp_tui.api.models.common import Capability, Role
from ssp_tui.tui.dialogs.error_modal import describe_error
from ssp_tui.tui.section_registry import SECTIONS, Section, _check_registry, section_by_id, sections_for
from ssp_tui.tui.settings_screen import check_concurrency, check_template
from ssp_tui.tui.sign_in.mfa_enroll import grouped, qr_text, totp_secret_from_uri


def user(role: Role, *capabilities: Capability) -> User:
    return User(
        id="u",
        username="u",
        display_name="U",
        email="u@example.com",
        role=role,
        capabilities=list(capabilities),
    )


HOME = section_by_id("home")
assert HOME is not None
SUPPORT_ONLY = Section(
    "support", "Support", "8", "x:Y", roles=frozenset({Role.SUPPORT}), capability=Capability.SUPPORT_TRIAGE
)
AGENT_ONLY = Section("agent", "Agent", "7", "x:Y", roles=frozenset({Role.AGENT}))


def test_home_is_for_every_role() -> None:
    for role in Role:
        assert [s.id for s in sections_for(user(role), (HOME,))] == ["home"]


def test_roles_and_capabilities_both_restrict() -> None:
    registry = (HOME, AGENT_ONLY, SUPPORT_ONLY)
    assert [s.id for s in sections_for(user(Role.AGENT), registry)] == ["home", "agent"]
    assert [s.id for s in sections_for(user(Role.SUPPORT), registry)] == ["home"]  # no capability
    support = user(Role.SUPPORT, Capability.SUPPORT_TRIAGE)
    assert [s.id for s in sections_for(support, registry)] == ["home", "support"]
    assert section_by_id("support", registry) is SUPPORT_ONLY
    assert section_by_id("nope", registry) is None


def test_registry_refuses_duplicate_ids_and_keys() -> None:
    with pytest.raises(ValueError):
        _check_registry((HOME, Section("home", "Again", "9", "x:Y")))
    with pytest.raises(ValueError):
        _check_registry((HOME, Section("other", "Other", "1", "x:Y")))
    with pytest.raises(ValueError):
        _check_registry((Section("zero", "Zero", "0", "x:Y"),))


def test_screen_factory_imports_lazily() -> None:
    _check_registry(SECTIONS)  # the real registry is consistent
    screen = HOME.screen_factory()()
    assert type(screen).__name__ == "HomeScreen"


@pytest.mark.parametrize(
    ("template", "ok"),
    [
        ("{policy}/{term}/{date}-{type}-{title}.pdf", True),
        ("{policy}-{insured}-{holder}.pdf", True),
        ("", False),
        ("{nope}.pdf", False),
        ("{}.pdf", False),
        ("{policy", False),
    ],
)
def test_filename_template_check(template: str, ok: bool) -> None:
    assert (check_template(template) is None) is ok


def test_concurrency_check() -> None:
    assert check_concurrency("6") == 6
    for bad in ("0", "33", "-1", "x", ""):
        assert isinstance(check_concurrency(bad), str)


def test_enrollment_secret_and_qr() -> None:
    uri = "otpauth://totp/ProAssurance%20SSP:ph?secret=jbswy3dpehpk3pxp&issuer=ProAssurance%20SSP"
    assert totp_secret_from_uri(uri) == "JBSWY3DPEHPK3PXP"
    assert grouped("JBSWY3DPEHPK3PXP") == "JBSW Y3DP EHPK 3PXP"
    lines = qr_text(uri).splitlines()
    # Square: half as many text rows as columns (two modules per cell), quiet zone blank all round.
    assert len(lines) == (len(lines[0]) + 1) // 2
    assert set(lines[0]) == {" "} and set("".join(lines)) <= {" ", "█", "▀", "▄"}
    assert "█" in "".join(lines)


def test_error_wording_never_shows_exception_text() -> None:
    title, message, serious = describe_error(RuntimeError("token=abc123 secret"))
    assert serious and "abc123" not in message and "RuntimeError" in message
    title, message, serious = describe_error(errors.RateLimited(429, "Too many attempts", retry_after=65))
    assert not serious and "1 min" in message
    title, message, serious = describe_error(errors.ConnectionFailed("cannot connect"))
    assert serious and title == "Cannot reach the portal"


def test_the_profile_theme_is_applied_at_start() -> None:
    from ssp_tui.portal.target import FixedPortal
    from ssp_tui.settings.config import Profile
    from ssp_tui.tui.app import SspApp

    app = SspApp(FixedPortal("http://127.0.0.1:9"), profile_name="t", profile=Profile(theme="nord"))
    assert app.theme == "nord"
    unknown = SspApp(FixedPortal("http://127.0.0.1:9"), profile_name="t", profile=Profile(theme="no-such"))
    assert unknown.theme != "no-such"


def test_the_app_implements_the_shell_its_screens_use() -> None:
    """Screens reach the app only through ``Shell``: every member must exist on ``SspApp`` with the same
    parameters and the same kind (a coroutine or not), or a screen would fail only when it runs."""
    import inspect

    from ssp_tui.portal.target import FixedPortal
    from ssp_tui.settings.config import Profile
    from ssp_tui.tui.app import SspApp
    from ssp_tui.tui.shell import Shell

    app = SspApp(FixedPortal("http://127.0.0.1:9"), profile_name="t", profile=Profile())
    assert isinstance(app, Shell)  # every attribute and method is there
    methods = {
        name: member for name, member in vars(Shell).items() if inspect.isfunction(member) and name[0] != "_"
    }
    assert "show_error" in methods and "open_section" in methods
    for name, wanted in methods.items():
        implemented = getattr(SspApp, name)
        assert inspect.iscoroutinefunction(implemented) == inspect.iscoroutinefunction(wanted), name
        shape = [(p.name, p.kind, p.default) for p in inspect.signature(wanted).parameters.values()]
        actual = [(p.name, p.kind, p.default) for p in inspect.signature(implemented).parameters.values()]
        assert actual == shape, name


def test_an_app_given_no_registry_offers_every_built_section() -> None:
    # The app imports the registry only once someone signs in (start-up, docs/performance.md).
    from ssp_tui.portal.target import FixedPortal
    from ssp_tui.settings.config import Profile
    from ssp_tui.tui.app import SspApp

    agent = user(Role.AGENT, *Capability)
    app = SspApp(FixedPortal("http://127.0.0.1:9"), profile_name="t", profile=Profile())
    assert app.visible_sections() == []  # nobody signed in
    app.controller.user = agent
    assert app.visible_sections() == sections_for(agent, SECTIONS)
    assert app.can_open("support") is False and app.can_open("agent") is True
    portal = FixedPortal("http://127.0.0.1:9")
    only_home = SspApp(portal, profile_name="t", profile=Profile(), registry=[HOME])
    only_home.controller.user = agent
    assert [section.id for section in only_home.visible_sections()] == ["home"]
