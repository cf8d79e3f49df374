"""Which username "Remember me" keeps where (no app): the profile's own portal in ``username`` (shared with
the CLI's ``login``), any other portal under ``usernames`` by its portal key."""

from __future__ import annotations

from ssp_tui.portal.target import SANDBOX_PORTAL_KEY, FixedPortal
from ssp_tui.settings.config import Profile
from ssp_tui.tui.session import SessionController


def controller(target: FixedPortal, profile: Profile) -> SessionController:
    return SessionController(target, profile_name="work", profile=profile)


def test_the_profiles_own_portal_keeps_the_username_in_the_profile() -> None:
    profile = Profile(portal_url="https://portal.example/")
    session = controller(FixedPortal("https://portal.example"), profile)
    assert session.remembered_username() is None
    assert session.remember_username("pat") and profile.username == "pat" and profile.usernames == {}
    assert not session.remember_username("pat"), "unchanged: nothing to save"
    assert session.remember_username(None) and profile.username is None


def test_another_portal_keeps_its_own_username_apart() -> None:
    profile = Profile(username="pat")  # the profile's portal: the embedded sandbox
    elsewhere = controller(FixedPortal("https://other.example"), profile)
    assert elsewhere.remembered_username() is None, "the sandbox's username is not offered elsewhere"
    assert elsewhere.remember_username("lee")
    assert profile.usernames == {"https://other.example": "lee"} and profile.username == "pat"
    sandbox = controller(FixedPortal("http://127.0.0.1:1", is_sandbox=True), profile)
    assert sandbox.remembered_username() == "pat"
    assert elsewhere.remember_username(None) and profile.usernames == {} and profile.username == "pat"
    on_sandbox_elsewhere = Profile(
        portal_url="https://portal.example", usernames={SANDBOX_PORTAL_KEY: "dr.x"}
    )
    assert (
        controller(
            FixedPortal("http://127.0.0.1:1", is_sandbox=True), on_sandbox_elsewhere
        ).remembered_username()
        == "dr.x"
    )
