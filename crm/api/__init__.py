"""CRM API, one module per resource. ``config.api_urls`` mounts ``router`` and ``urlpatterns``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.api import (
    companies,
    contacts,
    custom_fields,
    duplicates,
    imports,
    notes,
    saved_views,
    search,
    tags,
)

router = SimpleRouter()
router.register("contacts", contacts.ContactViewSet, basename="contact")
router.register("companies", companies.CompanyViewSet, basename="company")
router.register("notes", notes.NoteViewSet, basename="note")
router.register("tags", tags.TagViewSet, basename="tag")
router.register("custom-fields", custom_fields.CustomFieldViewSet, basename="customfield")
router.register("saved-views", saved_views.SavedViewViewSet, basename="savedview")
router.register("search", search.SearchViewSet, basename="search")
router.register(
    "duplicates/contacts", duplicates.ContactDuplicateViewSet, basename="contact-duplicate"
)
router.register(
    "duplicates/companies", duplicates.CompanyDuplicateViewSet, basename="company-duplicate"
)
router.register("merges", duplicates.MergeViewSet, basename="merge")
router.register(
    "duplicates/dismissals", duplicates.DismissalViewSet, basename="duplicate-dismissal"
)
router.register("imports", imports.ImportJobViewSet, basename="import")
urlpatterns: list = [
    path("exports/contacts.csv", imports.ContactExportView.as_view(), name="api_contacts_export"),
    path("exports/companies.csv", imports.CompanyExportView.as_view(), name="api_companies_export"),
]
