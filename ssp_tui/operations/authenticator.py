"""Adding the portal to an authenticator app from a terminal: the otpauth URI's secret, grouped for typing,
and the URI as a QR code drawn in text. Shared by the TUI (first sign-in, re-enrollment) and the CLI."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse


def totp_secret_from_uri(otpauth_uri: str) -> str:
    """The base32 secret of an ``otpauth://totp/...?secret=...`` URI ('' when it has none)."""
    values = parse_qs(urlparse(otpauth_uri).query).get("secret", [""])
    return values[0].upper()


def grouped(secret: str, size: int = 4) -> str:
    """'ABCD EFGH IJKL' is easier to type into a phone than one long run of letters."""
    return " ".join(secret[i : i + size] for i in range(0, len(secret), size))


def qr_text(data: str, *, border: int = 2) -> str:
    """A QR code as text, two modules per character cell with half blocks (dark modules as ink).

    Meant to be drawn in dark ink on a light background, which is what phone cameras expect.
    """
    import segno  # only enrollment needs it, so it loads here

    qr = segno.make(data, error="l", micro=False)
    size = len(qr.matrix)
    width = size + 2 * border

    def dark(row: int, col: int) -> bool:
        r, c = row - border, col - border
        return 0 <= r < size and 0 <= c < size and bool(qr.matrix[r][c])

    lines = []
    for row in range(0, width, 2):
        cells = []
        for col in range(width):
            top, bottom = dark(row, col), dark(row + 1, col)
            cells.append("█" if top and bottom else "▀" if top else "▄" if bottom else " ")
        lines.append("".join(cells))
    return "\n".join(lines)
