"""Web pages of campaigns: the list, the builder of drafts (audience, steps, schedule), the launch
check, the live detail page of launched campaigns and their analytics. Thin: the services and
selectors decide; these shape forms and pick templates."""
