"""CSV import of units and of staff: validate every line first, then write all or nothing."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from sillage.accounts.models import (
    LANGUAGE_CHOICES,
    Membership,
    Organization,
    Role,
    Unit,
    UnitType,
    User,
)

UNIT_COLUMNS = ["unit_code", "parent_code", "name_fr", "name_en", "type"]
STAFF_COLUMNS = [
    "email",
    "first_name",
    "last_name",
    "unit_code",
    "role",
    "employee_code",
    "job_title",
    "language",
    "facilitator",
    "ambassador",
]
STAFF_REQUIRED = ["email", "first_name", "last_name", "unit_code", "role"]
UNIT_REQUIRED = ["unit_code", "name_fr"]
TRUE_WORDS = {"1", "yes", "oui", "true", "vrai", "x", "o", "y"}
FALSE_WORDS = {"", "0", "no", "non", "false", "faux", "n"}
MAX_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class RowError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("line %(line)s, column %(column)s: %(message)s") % {
            "line": self.line,
            "column": self.column or "—",
            "message": self.message,
        }


@dataclass
class ImportReport:
    kind: str = ""
    errors: list[RowError] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    rows: int = 0
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportRejected(Exception):
    def __init__(self, report: ImportReport) -> None:
        super().__init__(f"{len(report.errors)} errors")
        self.report = report


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else Windows-1252: what spreadsheets actually write."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def read_rows(text: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header (normalised) and (line number, row) pairs; `;` or `,` separated."""
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        return [], []
    rows: list[tuple[int, dict[str, str]]] = []
    start = reader.line_num + 1
    for values in reader:
        if any(v.strip() for v in values):
            padded = values + [""] * (len(header) - len(values))
            rows.append((start, {h: v.strip() for h, v in zip(header, padded, strict=False)}))
        start = reader.line_num + 1
    return header, rows


def detect_kind(header: list[str]) -> str:
    if "email" in header:
        return "staff"
    if "unit_code" in header and "name_fr" in header:
        return "units"
    return ""


def import_csv(
    *,
    organization: Organization,
    raw: bytes,
    dry_run: bool = False,
    invited_by: User | None = None,
    send_invitations: bool = False,
) -> ImportReport:
    report = ImportReport(dry_run=dry_run)
    if len(raw) > MAX_BYTES:
        report.errors.append(RowError(1, "", _("The file is larger than 10 MB.")))
        return report
    header, rows = read_rows(decode(raw))
    report.kind = detect_kind(header)
    report.rows = len(rows)
    if not report.kind:
        report.errors.append(
            RowError(
                1,
                "",
                _("Unrecognised header. Expected the columns %(units)s or %(staff)s.")
                % {"units": ", ".join(UNIT_COLUMNS), "staff": ", ".join(STAFF_COLUMNS)},
            )
        )
        return report
    if not rows:
        report.errors.append(RowError(2, "", _("The file has no data line.")))
        return report
    importer = _import_units if report.kind == "units" else _import_staff
    try:
        with transaction.atomic():
            importer(organization, header, rows, report, invited_by, send_invitations)
            if report.errors:
                raise ImportRejected(report)
            if dry_run:
                transaction.set_rollback(True)
    except ImportRejected:
        report.created = report.updated = 0
    return report


def _missing_columns(header: list[str], required: list[str], report: ImportReport) -> bool:
    missing = [c for c in required if c not in header]
    for column in missing:
        report.errors.append(RowError(1, column, _("This required column is missing.")))
    return bool(missing)


def _import_units(
    organization: Organization,
    header: list[str],
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    invited_by: User | None,
    send_invitations: bool,
) -> None:
    if _missing_columns(header, UNIT_REQUIRED, report):
        return
    existing = {u.code: u for u in Unit.objects.filter(organization=organization)}
    types = {t.code: t for t in UnitType.objects.filter(organization=organization)}
    in_file: dict[str, int] = {}
    for line, row in rows:
        code = row.get("unit_code", "")
        if not code:
            report.errors.append(RowError(line, "unit_code", _("A unit code is required.")))
        elif code in in_file:
            report.errors.append(
                RowError(
                    line,
                    "unit_code",
                    _("The code %(code)s is already used on line %(other)s.")
                    % {"code": code, "other": in_file[code]},
                )
            )
        else:
            in_file[code] = line
        if not row.get("name_fr"):
            report.errors.append(RowError(line, "name_fr", _("A French name is required.")))
        type_code = row.get("type", "")
        if type_code and type_code not in types:
            report.errors.append(
                RowError(line, "type", _("Unknown unit type “%(type)s”.") % {"type": type_code})
            )
        parent = row.get("parent_code", "")
        if (
            parent
            and parent not in existing
            and parent not in {r.get("unit_code") for _l, r in rows}
        ):
            report.errors.append(
                RowError(
                    line, "parent_code", _("Unknown parent unit “%(code)s”.") % {"code": parent}
                )
            )
        if parent and parent == code:
            report.errors.append(
                RowError(line, "parent_code", _("A unit cannot be its own parent."))
            )
    if report.errors:
        return
    # Create parents before children: repeat passes until every row has its parent.
    pending = list(rows)
    while pending:
        progressed = False
        for item in list(pending):
            line, row = item
            parent_code = row.get("parent_code", "")
            if parent_code and parent_code not in existing:
                continue
            _write_unit(organization, row, existing, types, report)
            pending.remove(item)
            progressed = True
        if not progressed:
            for line, _row in pending:
                report.errors.append(
                    RowError(line, "parent_code", _("These parent codes form a cycle."))
                )
            return


def _write_unit(
    organization: Organization,
    row: dict[str, str],
    existing: dict[str, Unit],
    types: dict[str, UnitType],
    report: ImportReport,
) -> None:
    code = row["unit_code"]
    parent = existing.get(row.get("parent_code", "")) if row.get("parent_code") else None
    unit_type = types.get(row.get("type", ""))
    unit = existing.get(code)
    if unit is None:
        existing[code] = Unit.add(
            organization=organization,
            parent=parent,
            code=code,
            name_fr=row["name_fr"],
            name_en=row.get("name_en", ""),
            unit_type=unit_type,
        )
        report.created += 1
        return
    unit.name_fr = row["name_fr"]
    unit.name_en = row.get("name_en", "") or unit.name_en
    unit.unit_type = unit_type or unit.unit_type
    unit.save(update_fields=["name_fr", "name_en", "unit_type"])
    if parent is not None and unit.parent_id != parent.pk:
        unit.move_to(parent)
    report.updated += 1


def _flag(value: str, line: int, column: str, report: ImportReport) -> bool:
    lowered = value.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered not in FALSE_WORDS:
        report.errors.append(
            RowError(line, column, _("“%(value)s” is not yes or no.") % {"value": value})
        )
    return False


def _import_staff(
    organization: Organization,
    header: list[str],
    rows: list[tuple[int, dict[str, str]]],
    report: ImportReport,
    invited_by: User | None,
    send_invitations: bool,
) -> None:
    if _missing_columns(header, STAFF_REQUIRED, report):
        return
    units = {u.code: u for u in Unit.objects.filter(organization=organization)}
    roles = {value for value, _label in Role.choices}
    languages = {code for code, _name in LANGUAGE_CHOICES}
    seen_emails: dict[str, int] = {}
    seen_codes: dict[str, int] = {}
    taken_codes = dict(
        Membership.objects.filter(organization=organization)
        .exclude(employee_code="")
        .values_list("employee_code", "user__email")
    )
    cleaned: list[dict[str, object]] = []
    for line, row in rows:
        errors_before = len(report.errors)
        email = row.get("email", "").lower()
        try:
            validate_email(email)
        except ValidationError:
            report.errors.append(
                RowError(
                    line, "email", _("“%(value)s” is not an email address.") % {"value": email}
                )
            )
        if email in seen_emails:
            report.errors.append(
                RowError(
                    line,
                    "email",
                    _("This address already appears on line %(other)s.")
                    % {"other": seen_emails[email]},
                )
            )
        seen_emails.setdefault(email, line)
        for column in ("first_name", "last_name"):
            if not row.get(column):
                report.errors.append(RowError(line, column, _("This value is required.")))
        unit = units.get(row.get("unit_code", ""))
        if unit is None:
            report.errors.append(
                RowError(
                    line,
                    "unit_code",
                    _("Unknown unit “%(code)s”.") % {"code": row.get("unit_code", "")},
                )
            )
        elif unit.is_archived:
            report.errors.append(RowError(line, "unit_code", _("This unit is archived.")))
        role = row.get("role", "").lower()
        if role not in roles:
            report.errors.append(
                RowError(
                    line,
                    "role",
                    _("Unknown role “%(role)s”; use one of %(roles)s.")
                    % {"role": row.get("role", ""), "roles": ", ".join(sorted(roles))},
                )
            )
        language = row.get("language", "").lower()
        if language and language not in languages:
            report.errors.append(RowError(line, "language", _("Use fr or en.")))
        code = row.get("employee_code", "")
        if code:
            if code in seen_codes:
                report.errors.append(
                    RowError(
                        line,
                        "employee_code",
                        _("This code already appears on line %(other)s.")
                        % {"other": seen_codes[code]},
                    )
                )
            elif taken_codes.get(code, email) != email:
                report.errors.append(
                    RowError(line, "employee_code", _("This code belongs to another person."))
                )
            seen_codes.setdefault(code, line)
        facilitator = _flag(row.get("facilitator", ""), line, "facilitator", report)
        ambassador = _flag(row.get("ambassador", ""), line, "ambassador", report)
        if len(report.errors) == errors_before:
            cleaned.append(
                {
                    "email": email,
                    "first_name": row["first_name"],
                    "last_name": row["last_name"],
                    "unit": unit,
                    "role": role,
                    "employee_code": code,
                    "job_title": row.get("job_title", ""),
                    "language": language,
                    "is_facilitator": facilitator,
                    "is_ambassador": ambassador,
                }
            )
    if report.errors:
        return
    _write_staff(organization, cleaned, report, invited_by, send_invitations)


def _write_staff(
    organization: Organization,
    cleaned: list[dict[str, object]],
    report: ImportReport,
    invited_by: User | None,
    send_invitations: bool,
) -> None:
    from sillage.accounts.tasks import send_invitation

    users = {u.email: u for u in User.objects.filter(email__in=[c["email"] for c in cleaned])}
    memberships = {
        m.user_id: m
        for m in Membership.objects.filter(organization=organization, user__in=users.values())
    }
    invite_ids: list[int] = []
    for data in cleaned:
        email = str(data["email"])
        user = users.get(email)
        if user is None:
            user = User(
                email=email,
                first_name=str(data["first_name"]),
                last_name=str(data["last_name"]),
                language=str(data["language"]),
            )
            user.set_unusable_password()
            user.save()
        fields = {
            k: data[k]
            for k in (
                "unit",
                "role",
                "employee_code",
                "job_title",
                "is_facilitator",
                "is_ambassador",
            )
        }
        membership = memberships.get(user.pk)
        if membership is None:
            membership = Membership.objects.create(user=user, organization=organization, **fields)
            report.created += 1
            invite_ids.append(membership.pk)
        else:
            for name, value in fields.items():
                setattr(membership, name, value)
            membership.is_active = True
            membership.save()
            report.updated += 1
    if send_invitations and not report.dry_run:
        inviter_id = invited_by.pk if invited_by else None

        def enqueue() -> None:
            for membership_id in invite_ids:
                send_invitation.enqueue(membership_id=membership_id, inviter_id=inviter_id)

        transaction.on_commit(enqueue)
