from django.contrib import admin

from counselbench.talent.models import ProfessionalProfile


@admin.register(ProfessionalProfile)
class ProfessionalProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "provider"]
    list_filter = ["role"]
    raw_id_fields = ["user"]
