"""Staff reports: sales, top products and stock health (API.md, "Staff reports")."""

urlpatterns = []
