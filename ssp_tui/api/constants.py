"""Constants of the Portal API and of the client, in one place."""

from __future__ import annotations

API_PREFIX = "/api/v1"
PROBLEM_CONTENT_TYPE = "application/problem+json"
PDF_CONTENT_TYPE = "application/pdf"
IDEMPOTENCY_HEADER = "Idempotency-Key"
IDEMPOTENCY_KEY_PATTERN = r"^[!-~]{1,255}$"
"""Printable ASCII without spaces, 1 to 255 characters (a UUID fits)."""
PLAIN_TEXT_PATTERN = r"^[^\x00-\x1f\x7f]*$"
"""Text fields and text query values carry no control characters (NUL, line breaks, tabs, escapes)."""
MAX_BODY_BYTES = 64 * 1024
"""The largest request body the portal reads; it stops reading (413) as soon as a body passes it."""

DEFAULT_PAGE_LIMIT = 100
"""The page size a portal uses when a request names none."""
MAX_PAGE_LIMIT = 1000
CLIENT_PAGE_LIMIT = MAX_PAGE_LIMIT
"""The page size the client asks for: the largest the API allows. A page costs a round trip and the portal's
per-request work whatever its size, so 100,000 rows take 100 requests, not 1,000 (docs/performance.md)."""

# Sessions and MFA (the sandbox enforces these; the client shows them).
ACCESS_TOKEN_TTL_S = 15 * 60
REFRESH_TOKEN_TTL_S = 12 * 3600
REFRESH_RETRY_GRACE_S = 120
"""How long a refresh token just rotated away from may be presented again, by the client that rotated it, to
get back the same successor pair (a lost answer to POST /auth/refresh is retried safely). Any other reuse of
a rotated refresh token ends the whole session."""
REMEMBER_DEVICE_DAYS = 30
MFA_CODE_TTL_S = 5 * 60
TOTP_PERIOD_S = 30
LOCKOUT_AFTER_FAILURES = 5
HOLDER_REQUEST_EXPECTED_HOURS = 48
CHANGE_REQUEST_EXPECTED_BUSINESS_DAYS = 3
"""The portal answers a policy change request within three business days."""
REGISTRATION_REVIEW_BUSINESS_DAYS = 2
"""The portal team verifies a registration within one to two business days."""

# Passwords and one-time codes by email (NIST SP 800-63B).
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 64
RESET_CODE_TTL_S = 30 * 60
INVITATION_TTL_DAYS = 14

# Client network policy (issue: retries and timeouts).
CONNECT_TIMEOUT_S = 5.0
READ_TIMEOUT_S = 30.0
DOWNLOAD_DEADLINE_S = 300.0
MAX_RETRIES = 2
BACKOFF_BASE_S = 0.5
BACKOFF_CAP_S = 8.0
MAX_RETRY_AFTER_S = 60.0
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})

DEFAULT_CONCURRENCY = 6
DEFAULT_FILENAME_TEMPLATE = "{policy}/{term}/{date}-{type}-{title}.pdf"

WEB_SUPPORT_NAME = "Web Support"
WEB_SUPPORT_EMAIL = "WebSupport@ProAssurance.com"
"""The portal's own contact for signing in, locked logins and MFA (its Help page): the one place it is
spelled, so that the API's errors, Help and the CLI name the same desk."""
