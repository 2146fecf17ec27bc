"""The to-do page, mounted at /todo/ by ``config/urls.py`` (the name ``todo``, without a namespace)."""

from django.urls import path

from institutions.views import todo as views

urlpatterns = [
    path("", views.todo_list, name="todo"),
]
