app_name = "achievement_imports"
urlpatterns = []
