"""Bar charts drawn by the server as SVG (no chart script: the CSP allows none): the geometry
of the bars here, their drawing in core/_columns.html (one column a period, for a trend) and
core/_hbars.html (one bar a row, for a comparison). Each bar is a link when its item has a
"url", and a table of the same items goes beside the chart for reading and for screen readers.

An item is a dict with "label", "share" (0 to 1, None when there is nothing to count: no bar),
"text" (the figure as printed) and optionally "url"; the helpers add the bar's place.
"""

WIDTH = 360  # the viewBox's width: a phone's screen, scaled up on wider ones


def columns(items: list[dict], *, height: int = 120, every: int = 6) -> dict:
    """A column for each item, left to right, `height` high at a share of 1; the label shown
    under one column in `every` (the others in the table and the tooltip)."""
    n = max(len(items), 1)
    step = WIDTH / n
    bars = []
    for i, item in enumerate(items):
        share = item.get("share")
        h = round(max(0.0, min(1.0, share)) * height, 1) if share is not None else 0
        bars.append(
            {
                **item,
                "x": round(i * step, 1),
                "w": round(max(step - 1, 1), 1),
                "y": round(height - h, 1),
                "h": h,
                "mark": i % every == 0 or i == len(items) - 1,
                "empty": share is None,
            }
        )
    return {"bars": bars, "width": WIDTH, "height": height, "total": height + 16}


def hbars(items: list[dict], *, row: int = 22, label: int = 150, room: int = 70) -> dict:
    """A bar for each item, top to bottom: its label in the first `label` units, the bar, then
    its figure in the last `room` units."""
    span = WIDTH - label - room
    bars = []
    for i, item in enumerate(items):
        share = item.get("share")
        w = round(max(0.0, min(1.0, share)) * span, 1) if share is not None else 0
        bars.append(
            {**item, "y": i * row, "w": w, "x": label, "tx": label + w + 4, "empty": share is None}
        )
    return {
        "bars": bars,
        "width": WIDTH,
        "height": max(len(items), 1) * row,
        "rest": WIDTH - label,
    }
