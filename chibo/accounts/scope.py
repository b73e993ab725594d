"""Who may see and change what: roles at organization nodes, each covering the node's subtree.

Every view and API call starts from a Scope. Anything outside it answers 404, the
same as a missing object, so the existence of other cells is not revealed.
"""

import datetime
from dataclasses import dataclass, field
from functools import cached_property

from django.db.models import Q

from chibo.core.dates import today
from chibo.core.web import covers_or_404, get_or_404
from chibo.organizations.models import Organization, subtrees_q

from .models import PII_ROLES, WRITE_ROLES, Role, RoleAssignment


@dataclass
class Grant:
    role: str
    path: str
    org_id: int


@dataclass
class Scope:
    user: object
    on: datetime.date
    grants: list[Grant] = field(default_factory=list)
    superuser: bool = False

    @classmethod
    def for_user(cls, user, on: datetime.date | None = None) -> "Scope":
        on = on or today()
        if not user.is_authenticated or not user.is_active:
            return cls(user=user, on=on)
        cached = getattr(user, "_chibo_scope", None)
        if cached is not None and cached.on == on:
            return cached
        read = getattr(user, "_chibo_grants_read", None)  # accounts.backends.ScopeBackend
        if read is not None and read[0] == on:
            rows = read[1]
        else:
            rows = (
                RoleAssignment.objects.held(on)
                .filter(user=user)
                .values_list("role", "organization__path", "organization_id")
            )
        scope = cls(user=user, on=on, grants=[Grant(*r) for r in rows], superuser=user.is_superuser)
        user._chibo_scope = scope
        return scope

    # --- roles -------------------------------------------------------------------------
    @cached_property
    def roles(self) -> set[str]:
        return {g.role for g in self.grants}

    def has_role(self, *roles) -> bool:
        return self.superuser or bool(self.roles & set(roles))

    @property
    def is_org_admin(self) -> bool:
        return self.superuser or Role.ORG_ADMIN in self.roles

    def _paths(self, roles=None) -> list[str]:
        paths = sorted({g.path for g in self.grants if roles is None or g.role in roles})
        # Drop paths covered by a shorter one.
        kept = []
        for p in paths:
            if not any(p.startswith(k) for k in kept):
                kept.append(p)
        return kept

    @cached_property
    def read_paths(self) -> list[str]:
        return self._paths({r for r in Role if r != Role.MEMBER})

    @cached_property
    def write_paths(self) -> list[str]:
        return self._paths(WRITE_ROLES)

    @cached_property
    def pii_paths(self) -> list[str]:
        return self._paths(PII_ROLES)

    @property
    def member_self_id(self):
        if Role.MEMBER in self.roles:
            return getattr(self.user, "member_id", None)
        return None

    # --- organizations -------------------------------------------------------------------
    def paths_q(self, field_name="path", paths=None) -> Q:
        """Q for rows whose organization path lies under a granted node; matches none if none."""
        if self.superuser:
            return Q()
        paths = self.read_paths if paths is None else paths
        if not paths:
            return Q(pk__in=[])
        return subtrees_q(paths, field_name)

    def organizations(self):
        return Organization.objects.filter(self.paths_q())

    def covers(self, org: Organization, write=False) -> bool:
        if self.superuser:
            return True
        paths = self.write_paths if write else self.read_paths
        return any(org.path.startswith(p) for p in paths)

    def can_write(self, org: Organization) -> bool:
        return self.covers(org, write=True)

    def can_see_pii(self, org: Organization | None) -> bool:
        if self.superuser:
            return True
        return org is not None and any(org.path.startswith(p) for p in self.pii_paths)

    def org_or_404(self, pk, write=False) -> Organization:
        """The organization `pk` with its parent if the scope reads it (writes it, with
        `write`); else 404, as if missing."""
        org = get_or_404(Organization.objects.select_related("parent"), pk=pk)
        return covers_or_404(self, org, write=write)

    def top_organizations(self):
        """The nodes the user's roles sit at (the roots of their visible forest)."""
        if self.superuser:
            return Organization.objects.filter(parent__isnull=True, valid_to__isnull=True)
        return Organization.objects.filter(path__in=self.read_paths)
