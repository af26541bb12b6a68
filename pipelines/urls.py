from django.urls import path

from pipelines import inbox_panel
from pipelines.views import board as board_views
from pipelines.views import deals as deal_views
from pipelines.views import forecast as forecast_views
from pipelines.views import settings as settings_views

app_name = "pipelines"

urlpatterns: list = [
    # The board (pipelines/views/board.py)
    path("pipeline/", board_views.board, name="board"),
    path("pipeline/<int:pk>/", board_views.board, name="board"),
    path("pipeline/<int:pk>/totals/", board_views.board_totals, name="board_totals"),
    path("pipeline/<int:pk>/forecast/", forecast_views.forecast, name="forecast"),
    path("pipeline/stages/<int:pk>/more/", board_views.column_more, name="column_more"),
    path(
        "pipeline/stages/<int:pk>/deals/", board_views.deal_quick_create, name="deal_quick_create"
    ),
    # Deals (pipelines/views/deals.py; the card and the move are the board's)
    path("deals/new/", deal_views.deal_create, name="deal_create"),
    path("deals/<int:pk>/", deal_views.deal_detail, name="deal_detail"),
    path("deals/<int:pk>/edit/", deal_views.deal_edit, name="deal_edit"),
    path("deals/<int:pk>/notes/", deal_views.deal_note_add, name="deal_note_add"),
    path("deals/<int:pk>/payments/", deal_views.deal_payment_add, name="deal_payment_add"),
    path("deals/<int:pk>/delete/", deal_views.deal_delete, name="deal_delete"),
    path("deals/<int:pk>/card/", board_views.deal_card, name="deal_card"),
    path("deals/<int:pk>/move/", board_views.deal_move, name="deal_move"),
    # The inbox's "Deals" panel (pipelines/inbox_panel.py)
    path("inbox/<int:pk>/deals/", inbox_panel.inbox_deal_create, name="inbox_deal_create"),
    path(
        "inbox/<int:pk>/deals/<int:deal_pk>/move/",
        inbox_panel.inbox_deal_move,
        name="inbox_deal_move",
    ),
    # Settings (pipelines/views/settings.py)
    path("settings/pipelines/", settings_views.pipeline_list, name="settings"),
    path(
        "settings/pipelines/<int:pk>/",
        settings_views.pipeline_settings,
        name="settings_pipeline",
    ),
    path(
        "settings/pipelines/<int:pk>/delete/",
        settings_views.pipeline_delete,
        name="settings_pipeline_delete",
    ),
    path(
        "settings/pipelines/<int:pk>/stages/",
        settings_views.stage_create,
        name="settings_stage_create",
    ),
    path(
        "settings/pipelines/<int:pk>/stages/order/",
        settings_views.stages_reorder,
        name="settings_stages_reorder",
    ),
    path("settings/stages/<int:pk>/", settings_views.stage_update, name="settings_stage"),
    path(
        "settings/stages/<int:pk>/delete/",
        settings_views.stage_delete,
        name="settings_stage_delete",
    ),
]
