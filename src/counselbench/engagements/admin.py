from django.contrib import admin

from counselbench.engagements.models import AbcTestState, MarkupRule


@admin.register(AbcTestState)
class AbcTestStateAdmin(admin.ModelAdmin):
    list_display = ("state", "law")


@admin.register(MarkupRule)
class MarkupRuleAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "policy", "source")
