"""The annotation editor's presentation: what its page and partials show.

context.py reads what the editor shows from the database in a constant number of
queries; rendering.py turns the document text and its marks into HTML. The HTTP side
(parsing, access, the service call, refusals) is annotate.views.editor and
annotate.views.events, which only call these.
"""
