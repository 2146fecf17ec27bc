"""Pages of technology demands (templates in templates/market/demands/)."""

from django.urls import path

from market.views import demands as views

urlpatterns = [
    path("demands/", views.demand_list, name="demand-list"),
    path("demands/new/", views.demand_create, name="demand-create"),
    path("demands/mine/", views.my_demands, name="my-demands"),
    path("demands/review/", views.review_queue, name="demand-review-queue"),
    path("demands/<int:pk>/", views.demand_detail, name="demand-detail"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand-edit"),
    path("demands/<int:pk>/submit/", views.demand_submit, name="demand-submit"),
    path("demands/<int:pk>/approve/", views.demand_approve, name="demand-approve"),
    path("demands/<int:pk>/return/", views.demand_return, name="demand-return"),
    path("demands/<int:pk>/close/", views.demand_close, name="demand-close"),
]
