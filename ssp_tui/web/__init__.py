"""The browser door (``ssp-tui web``): the TUI served to browser tabs by textual-serve.

``server.py`` is the web server (one per ``ssp-tui web``); ``session.py`` is the app process each browser tab
gets. The TUI itself only knows two seams: links open through ``App.open_url`` and downloads reach the
browser through ``App.deliver_binary`` (``tui/common/links.py``, ``tui/common/browser_delivery.py``).
"""
