urlpatterns = []
app_name = "audit"
