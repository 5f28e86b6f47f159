"""The navigation each actor sees. Later capabilities add their entries here, by role."""

from dataclasses import dataclass

from counselbench.access.policy import Action, Actor, can


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str


def navigation_for(actor: Actor) -> list[NavItem]:
    if not actor.is_authenticated:
        return []
    items = [NavItem("Home", "home")]
    if actor.organization is not None:
        if actor.role in ("owner", "attorney", "staff"):
            items.append(NavItem("Self-audit", "selfaudit:audit_list"))
            items.append(NavItem("Talent", "talent:postings"))
            items.append(NavItem("Engagements", "engagements:list"))
            items.append(NavItem("Matters", "matters:list"))
            items.append(NavItem("Time", "billing:timesheet"))
            # Money: billing people handle it; attorneys read their matters' and authorize.
            if actor.may_bill() or actor.role == "attorney":
                items.append(NavItem("Billing", "billing:invoices"))
                items.append(NavItem("Trust", "trust:overview"))
            items.append(NavItem("Leads", "intake:leads"))
            items.append(NavItem("Reception", "intake:reception"))
            items.append(NavItem("Booking", "intake:booking_appointments"))
            items.append(NavItem("Insights", "insights:dashboard"))
        if actor.role in ("provider_admin", "vetting_staff"):
            items.append(NavItem("Network", "talent:network"))
        items.append(NavItem("Members", "organizations:members"))
        if can(actor, Action.MANAGE, actor.organization):
            items.append(NavItem("Settings", "organizations:settings"))
            items.append(NavItem("Activity", "organizations:activity"))
    elif actor.is_professional:
        items.append(NavItem("My profile", "talent:my_profile"))
        items.append(NavItem("Jobs", "talent:jobs"))
        items.append(NavItem("Engagements", "engagements:list"))
        items.append(NavItem("My tasks", "matters:my_tasks"))
        items.append(NavItem("Time", "billing:timesheet"))
        items.append(NavItem("Statements", "billing:statements"))
        items.append(NavItem("My scorecard", "insights:mine"))
        if actor.reception_firm_ids():  # engaged as a receptionist: the firm's front desk
            items.append(NavItem("Leads", "intake:leads"))
            items.append(NavItem("Reception", "intake:reception"))
            items.append(NavItem("Booking", "intake:booking_appointments"))
    items.append(NavItem("Account", "accounts:profile"))
    return items
