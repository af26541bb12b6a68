from django.urls import path

from crm.views import companies as company_views
from crm.views import contacts as contact_views
from crm.views import custom_fields as custom_field_views
from crm.views import duplicates as duplicate_views
from crm.views import exports as export_views
from crm.views import imports as import_views
from crm.views import notes as note_views
from crm.views import saved_views as saved_view_views
from crm.views import tags as tag_views

app_name = "crm"

urlpatterns: list = [
    # Contacts and companies (crm/views/contacts.py, crm/views/companies.py)
    path("contacts/", contact_views.contact_list, name="contact_list"),
    path("contacts/new/", contact_views.contact_create, name="contact_create"),
    path("contacts/bulk/", contact_views.contact_bulk, name="contact_bulk"),
    path("contacts/<int:pk>/", contact_views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/field/", contact_views.contact_field, name="contact_field"),
    path("contacts/<int:pk>/delete/", contact_views.contact_delete, name="contact_delete"),
    path(
        "contacts/<int:pk>/companies/add/",
        contact_views.contact_company_add,
        name="contact_company_add",
    ),
    path(
        "contacts/<int:pk>/companies/<int:company_pk>/remove/",
        contact_views.contact_company_remove,
        name="contact_company_remove",
    ),
    path("companies/", company_views.company_list, name="company_list"),
    path("companies/new/", company_views.company_create, name="company_create"),
    path("companies/bulk/", company_views.company_bulk, name="company_bulk"),
    path("companies/names/", company_views.company_names, name="company_names"),
    path("companies/<int:pk>/", company_views.company_detail, name="company_detail"),
    path("companies/<int:pk>/field/", company_views.company_field, name="company_field"),
    path("companies/<int:pk>/delete/", company_views.company_delete, name="company_delete"),
    # Notes, tags, custom fields, saved views
    path("contacts/<int:pk>/notes/", note_views.contact_note_add, name="contact_note_add"),
    path("companies/<int:pk>/notes/", note_views.company_note_add, name="company_note_add"),
    path("crm/notes/<int:pk>/delete/", note_views.note_delete, name="note_delete"),
    path("crm/notes/preview/", note_views.note_preview, name="note_preview"),
    path("crm/settings/tags/", tag_views.tag_list, name="settings_tags"),
    path("crm/settings/tags/<int:pk>/", tag_views.tag_edit, name="settings_tag_edit"),
    path("crm/settings/tags/<int:pk>/delete/", tag_views.tag_delete, name="settings_tag_delete"),
    path(
        "crm/settings/custom-fields/",
        custom_field_views.custom_field_list,
        name="settings_custom_fields",
    ),
    path(
        "crm/settings/custom-fields/new/",
        custom_field_views.custom_field_create,
        name="settings_custom_field_create",
    ),
    path(
        "crm/settings/custom-fields/<int:pk>/",
        custom_field_views.custom_field_edit,
        name="settings_custom_field_edit",
    ),
    path(
        "crm/settings/custom-fields/<int:pk>/move/",
        custom_field_views.custom_field_move,
        name="settings_custom_field_move",
    ),
    path(
        "crm/settings/custom-fields/<int:pk>/delete/",
        custom_field_views.custom_field_delete,
        name="settings_custom_field_delete",
    ),
    path("crm/views/", saved_view_views.saved_view_create, name="saved_view_create"),
    path(
        "crm/views/<int:pk>/delete/", saved_view_views.saved_view_delete, name="saved_view_delete"
    ),
    # Import and export (crm/views/imports.py, crm/views/exports.py)
    path("crm/imports/new/", import_views.import_start, name="import_start"),
    path("crm/imports/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("crm/imports/<int:pk>/mapping/", import_views.import_mapping, name="import_mapping"),
    path("crm/imports/<int:pk>/preview/", import_views.import_preview, name="import_preview"),
    path("crm/imports/<int:pk>/start/", import_views.import_run, name="import_run"),
    path("crm/imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("crm/imports/<int:pk>/errors.csv", import_views.import_errors, name="import_errors"),
    path("contacts/export/", export_views.contacts_export, name="contacts_export"),
    path("companies/export/", export_views.companies_export, name="companies_export"),
    # Duplicates and merge (crm/views/duplicates.py)
    path("crm/duplicates/", duplicate_views.duplicate_list, name="duplicates"),
    path(
        "crm/duplicates/contacts/<int:first_pk>/<int:second_pk>/",
        duplicate_views.contact_merge,
        name="contact_merge",
    ),
    path(
        "crm/duplicates/companies/<int:first_pk>/<int:second_pk>/",
        duplicate_views.company_merge,
        name="company_merge",
    ),
    path(
        "crm/duplicates/<str:entity>/<int:first_pk>/<int:second_pk>/dismiss/",
        duplicate_views.duplicate_dismiss,
        name="duplicate_dismiss",
    ),
]
