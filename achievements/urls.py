from django.urls import path

from achievements import views

app_name = "achievements"

urlpatterns = [
    path("<int:pk>/", views.achievement_detail, name="detail"),
]
