"""Charts drawn on the server as SVG (and the heat map as an HTML table): pure functions,
data in and markup out, so the web's pages and the PDF documents draw the same thing.
Nothing here imports another layer of ours; the caller translates every label.

Every chart names itself for screen readers (``role="img"``, ``<title>``, ``<desc>``), the
page puts a data table behind it, and nothing is told by colour alone: each bar and cell
carries its number, a broken band is drawn dashed and marked in words.

Not pygal (maintained, on PyPI): its charts cannot draw an allowed band over a category
axis, and its SVG pulls a script and a stylesheet of its own; the few shapes needed here
are shorter written with ``xml.etree``, which also escapes every text."""
