app_name = "catalogues"
urlpatterns = []
