"""Pages of inquiries and deals under /market/ (namespace ``market``)."""

from django.urls import path

from market.views import deals as views

urlpatterns = [
    path("listings/<int:pk>/inquire/", views.inquiry_create_for_listing, name="inquiry-create-for-listing"),
    path("demands/<int:pk>/answer/", views.inquiry_create_for_demand, name="inquiry-create-for-demand"),
    path("inquiries/", views.my_inquiries, name="my-inquiries"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry-detail"),
    path("inquiries/<int:pk>/messages/", views.inquiry_message_post, name="inquiry-message"),
    path(
        "inquiries/<int:pk>/messages/<int:message_pk>/attachment/",
        views.inquiry_attachment,
        name="inquiry-attachment",
    ),
    path("inquiries/<int:pk>/close/", views.inquiry_close, name="inquiry-close"),
    path("inquiries/<int:pk>/propose/", views.inquiry_propose_deal, name="inquiry-propose-deal"),
    path("deals/", views.my_deals, name="my-deals"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/terms/", views.deal_update_terms, name="deal-update-terms"),
    path("deals/<int:pk>/confirm/", views.deal_confirm, name="deal-confirm"),
    path("deals/<int:pk>/cancel/", views.deal_cancel, name="deal-cancel"),
    path("deals/<int:pk>/brokers/", views.deal_broker_engage, name="deal-broker-engage"),
    path(
        "deals/<int:pk>/brokers/<int:engagement_pk>/release/",
        views.deal_broker_release,
        name="deal-broker-release",
    ),
]
