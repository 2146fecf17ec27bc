urlpatterns = []
app_name = "institutions"
