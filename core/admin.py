"""The shop's admin site (with its periodic jobs page) and admin pieces every app shares."""

from django.contrib import admin, messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core import jobs


class ShopAdminSite(admin.AdminSite):
    site_header = "Shop administration"
    site_title = "Shop admin"
    index_title = "Catalog, stock, orders and customers"

    def get_urls(self):
        return [
            path("jobs/", self.admin_view(self.jobs_view), name="jobs"),
            path("jobs/<str:name>/run/", self.admin_view(self.run_job_view), name="run_job"),
            *super().get_urls(),
        ]

    def get_app_list(self, request, app_label=None):
        app_list = super().get_app_list(request, app_label)
        if request.user.is_superuser and app_label is None:
            url = reverse("admin:jobs", current_app=self.name)
            app_list.append(
                {
                    "name": "Periodic jobs",
                    "app_label": "jobs",
                    "app_url": url,
                    "has_module_perms": True,
                    "models": [
                        {
                            "name": "Jobs",
                            "object_name": "Job",
                            "admin_url": url,
                            "view_only": True,
                            "perms": {"view": True},
                        }
                    ],
                }
            )
        return app_list

    def jobs_view(self, request):
        context = {
            **self.each_context(request),
            "title": "Periodic jobs",
            "jobs": job_buttons(request, jobs.all_jobs()),
            "can_run": request.user.is_superuser,
        }
        return TemplateResponse(request, "admin/jobs.html", context)

    def run_job_view(self, request, name: str):
        job = jobs.get_job(name)
        if request.method != "POST" or job is None or not request.user.is_superuser:
            messages.error(request, "Choose a job and press its button.")
        else:
            result = jobs.run_now(name)
            messages.success(request, f"{job.label.capitalize()} finished: {_outcome(result)}.")
        back = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(back, {request.get_host()}, request.is_secure()):
            back = reverse("admin:jobs", current_app=self.name)
        return redirect(back)


def job_buttons(request, listed: list[jobs.Job]) -> list[dict]:
    """What a "Run now" button needs for each job."""
    return [
        {"label": job.label, "app": job.app_label, "url": reverse("admin:run_job", args=[job.name])}
        for job in listed
    ]


def _outcome(result) -> str:
    """A job's result as staff read it: {"opened": 2, "resolved": 0} -> "2 opened, 0 resolved"."""
    if isinstance(result, dict):
        return ", ".join(f"{value} {key.replace('_', ' ')}" for key, value in result.items())
    return str(result)


class JobsAdminMixin:
    """A "Run ... now" button on this changelist for each of its app's periodic jobs."""

    change_list_template = "admin/jobs_change_list.html"

    def changelist_view(self, request, extra_context=None):
        buttons = job_buttons(request, jobs.all_jobs(self.model._meta.app_label))
        context = {**(extra_context or {}), "jobs": buttons, "back": request.get_full_path()}
        return super().changelist_view(request, context)


class ReadOnlyInline(admin.TabularInline):
    """Rows staff may see but not touch here: they change through services."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
