"""Link previews: fetch the pages linked in messages safely, extract a card, cache it per org.

``fetch`` is the SSRF-safe HTTP client, ``parse`` reads OpenGraph/title/description from the
HTML, ``services`` records ``LinkPreview`` rows and ``tasks`` runs the fetch in Celery after a
message with links was committed (docs/architecture/inbox-edges.md).
"""
