"""Web pages and htmx partials of AI drafting: the draft card above the inbox composer, the
"why" view and history of drafts, the stage-suggestion panel and Settings → AI."""
