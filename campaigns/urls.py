"""Web pages of campaigns (namespace "campaigns")."""

from django.urls import path

from campaigns.views import analytics, builder, detail, launch, live_edit
from campaigns.views import list as list_views

app_name = "campaigns"

urlpatterns: list = [
    path("campaigns/", list_views.campaign_list, name="campaign_list"),
    path("campaigns/new/", list_views.campaign_create, name="campaign_create"),
    path("campaigns/<int:pk>/", detail.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/basics/", builder.campaign_basics, name="campaign_basics"),
    path("campaigns/<int:pk>/audience/", builder.campaign_audience, name="campaign_audience"),
    path(
        "campaigns/<int:pk>/audience/preview/",
        builder.campaign_audience_preview,
        name="campaign_audience_preview",
    ),
    path("campaigns/<int:pk>/steps/", builder.campaign_steps, name="campaign_steps"),
    path(
        "campaigns/<int:pk>/steps/preview/",
        builder.campaign_message_preview,
        name="campaign_message_preview",
    ),
    path("campaigns/<int:pk>/schedule/", builder.campaign_schedule, name="campaign_schedule"),
    path("campaigns/<int:pk>/delete/", builder.campaign_delete, name="campaign_delete"),
    path("campaigns/<int:pk>/launch/", launch.campaign_launch, name="campaign_launch"),
    path("campaigns/<int:pk>/progress/", detail.campaign_progress, name="campaign_progress"),
    path("campaigns/<int:pk>/recipients/", detail.campaign_recipients, name="campaign_recipients"),
    path(
        "campaigns/<int:pk>/live/schedule/",
        live_edit.campaign_live_schedule,
        name="campaign_live_schedule",
    ),
    path(
        "campaigns/<int:pk>/live/steps/", live_edit.campaign_live_steps, name="campaign_live_steps"
    ),
    path(
        "campaigns/<int:pk>/live/details/",
        live_edit.campaign_live_details,
        name="campaign_live_details",
    ),
    path("campaigns/<int:pk>/pause/", detail.campaign_pause, name="campaign_pause"),
    path("campaigns/<int:pk>/resume/", detail.campaign_resume, name="campaign_resume"),
    path("campaigns/<int:pk>/cancel/", detail.campaign_cancel, name="campaign_cancel"),
    path("campaigns/<int:pk>/analytics/", analytics.campaign_analytics, name="campaign_analytics"),
]
