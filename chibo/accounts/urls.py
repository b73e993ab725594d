from django.urls import path

from . import views, views_notifications, views_security

app_name = "accounts"
urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("otp/", views.otp_view, name="otp"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views_security.change_password, name="password_change"),
    path("users/<int:pk>/password/", views_security.reset_password, name="password_reset"),
    path("tokens/", views_security.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", views_security.revoke, name="token_revoke"),
    path("notifications/", views_notifications.inbox, name="notifications"),
    path("notifications/read/", views_notifications.read_all, name="notifications_read_all"),
    path("notifications/<int:pk>/open/", views_notifications.open_one, name="notification_open"),
]
