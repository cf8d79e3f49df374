"""Properties of what reads a portal's answers: whatever arrives, a clean answer or a clean error."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from ssp_tui.api.download import filename_hint
from ssp_tui.api.errors import StatusError, error_class_for, format_wait, parse_retry_after, status_error


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_a_filename_hint_is_never_a_path(header: str) -> None:
    hint = filename_hint("attachment; filename=" + header)
    if hint is not None:
        assert "/" not in hint and "\\" not in hint
        assert not hint.startswith(".") and hint.isprintable() and 0 < len(hint) <= 255


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_retry_after_never_raises_and_is_never_negative(value: str) -> None:
    seconds = parse_retry_after(value)
    assert seconds is None or 0 <= seconds <= 7 * 24 * 3600
    if seconds is not None:
        assert format_wait(seconds)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=400, max_value=599),
    st.sampled_from(["application/problem+json", "application/json", "text/html", ""]),
    st.binary(max_size=300) | st.builds(lambda s: s.encode(), st.text(max_size=100)),
)
def test_any_error_body_maps_to_the_status_class(status: int, content_type: str, body: bytes) -> None:
    error = status_error(status, content_type, body, endpoint="GET /api/v1/x", retry_after_header=None)
    assert isinstance(error, StatusError) and type(error) is error_class_for(status)
    assert error.status == status and error.title and error.user_message
