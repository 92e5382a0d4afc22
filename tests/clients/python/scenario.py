"""The 2022 seed meeting (Direktionen, 25 April 2022) driven through the Python client that
openapi-python-client generates from openapi/openapi.json, against a running service: what a case
system's integrator would write, using nothing but the generated client.

    python scenario.py --base http://127.0.0.1:8080 --binary target/debug/dagsorden

Tokens are minted with the service's `token` command (the binary, with the service's own
DAGSORDEN_TOKEN_SECRET and DATABASE_URL in the environment). Exits non-zero on the first check that
fails.
"""

import argparse
import csv
import datetime
import io
import json
import subprocess
import uuid
from http import HTTPStatus
from zoneinfo import ZoneInfo

from dagsorden_client import AuthenticatedClient
from dagsorden_client.api.access_groups import create_access_group
from dagsorden_client.api.allocations import create_allocation_from_amount, get_allocation_report_csv
from dagsorden_client.api.attachments import download_attachment, upload_attachment
from dagsorden_client.api.committees import create_committee
from dagsorden_client.api.grants import create_committee_grant
from dagsorden_client.api.items import create_item, create_item_amount, get_item, record_decision
from dagsorden_client.api.lifecycle import hold_meeting, publish_meeting_agenda, publish_meeting_minutes
from dagsorden_client.api.meetings import create_meeting, get_meeting
from dagsorden_client.api.participants import create_participant
from dagsorden_client.api.published import get_published_version
from dagsorden_client.models import (
    AgendaItemView,
    AllocationFromAmount,
    AmountKind,
    AttachmentUpload,
    Attendance,
    CaseType,
    ClosedItemView,
    CommitteeKind,
    CommitteeRole,
    DecisionOutcome,
    DocumentItem,
    DocumentKind,
    HoldRequest,
    LegalBasis,
    Method,
    NewAccessGroup,
    NewCommittee,
    NewDecision,
    NewGrant,
    NewItem,
    NewItemAmount,
    NewMeeting,
    NewParticipant,
    PayerInput,
    Publication,
    PublishRequest,
    Recurrence,
    Tier,
    TitleOnlyItem,
)
from dagsorden_client.types import File

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
# A marker in every closed field: a reader must never see it.
MARKER = "FORTROLIGT-7731"
RUN = uuid.uuid4().hex[:8]


def check(condition: bool, what: str) -> None:
    if not condition:
        raise SystemExit(f"FAILED: {what}")
    print(f"ok  {what}")


def expect(response, status: HTTPStatus, what: str):
    """The parsed answer of a generated operation, after checking its status."""
    if response.status_code != status:
        raise SystemExit(f"FAILED: {what}: {response.status_code} {response.content[:500]!r}")
    print(f"ok  {what} ({int(status)})")
    return response.parsed


class Service:
    def __init__(self, base: str, binary: str):
        self.base, self.binary = base, binary

    def client(self, subject: str, groups: list[str] = (), roles: list[str] = ()) -> AuthenticatedClient:
        command = [self.binary, "token", "--sub", subject, "--name", subject.title(), "--hours", "1"]
        if groups:
            command += ["--groups", ",".join(groups)]
        if roles:
            command += ["--roles", ",".join(roles)]
        token = subprocess.run(command, check=True, capture_output=True, text=True).stdout.strip()
        return AuthenticatedClient(base_url=self.base, token=token, raise_on_unexpected_status=True)


def main() -> None:
    arguments = argparse.ArgumentParser()
    arguments.add_argument("--base", required=True)
    arguments.add_argument("--binary", required=True)
    options = arguments.parse_args()
    service = Service(options.base, options.binary)

    external = {name: f"py-{RUN}-{name}" for name in ["sekretariatet", "direktionen", "borgerservice", "oekonomistaben"]}
    admin = service.client(f"py-admin-{RUN}", roles=["admin"])
    secretary = service.client(f"py-secretary-{RUN}", groups=[external["sekretariatet"]])
    member = service.client(f"py-member-{RUN}", groups=[external["direktionen"]])
    reader = service.client(f"py-reader-{RUN}", groups=[external["borgerservice"]])
    finance = service.client(f"py-finance-{RUN}", groups=[external["direktionen"]], roles=["finance"])

    # Structure (admin): the access groups in their tiers, the committee, its grants.
    def group(name: str, tier: Tier, key: str | None = None) -> int:
        body = NewAccessGroup(name=f"{name} {RUN}", tier=tier, external_id=external[key] if key else None)
        return expect(create_access_group.sync_detailed(client=admin, body=body), HTTPStatus.CREATED, f"group {name}").id

    secretariat = group("Sekretariatet", Tier.STAFF, "sekretariatet")
    board = group("Direktionen", Tier.POLITICAL, "direktionen")
    citizen_service = group("Borgerservice", Tier.UNIT, "borgerservice")
    finance_staff = group("Økonomistaben", Tier.STAFF, "oekonomistaben")
    units = [citizen_service, finance_staff] + [
        group(name, Tier.UNIT)
        for name in ["Voksenspecialenheden", "Jobcentret", "Sundhed og Myndighed", "Børn og Familie", "Børn, Læring og Uddannelse"]
    ]
    committee = expect(
        create_committee.sync_detailed(
            client=admin,
            body=NewCommittee(
                name=f"Direktionen {RUN}",
                kind=CommitteeKind.EXECUTIVE_BOARD,
                owner_group_id=secretariat,
                publication=Publication.INTERNAL,
            ),
        ),
        HTTPStatus.CREATED,
        "committee Direktionen",
    ).id
    for group_id, role in [(secretariat, CommitteeRole.SECRETARY), (board, CommitteeRole.MEMBER), (citizen_service, CommitteeRole.READER)]:
        grant = create_committee_grant.sync_detailed(committee, client=admin, body=NewGrant(group_id=group_id, role=role))
        expect(grant, HTTPStatus.CREATED, f"grant {role.value}")

    # The meeting of 25 April 2022, as the secretary writes it.
    starts = datetime.datetime(2022, 4, 25, 12, 30, tzinfo=COPENHAGEN)
    meeting = expect(
        create_meeting.sync_detailed(
            client=secretary,
            body=NewMeeting(committee_id=committee, title="Direktionsmøde", starts_at=starts, location="Ung - Sprog Kalundborg"),
            idempotency_key=f"py-meeting-{RUN}",
        ),
        HTTPStatus.CREATED,
        "meeting 25 April 2022",
    )
    check(meeting.status.value == "draft", "a new meeting is a draft")
    for name, attendance in [
        ("Søren Ole Sørensen", Attendance.ABSENT),
        ("Michel van der Linden", Attendance.PRESENT),
        ("Jan Lysgaard Thomsen", Attendance.PRESENT),
        ("Michael Gravesen", Attendance.PRESENT),
    ]:
        body = NewParticipant(name=name, attendance=attendance)
        expect(create_participant.sync_detailed(meeting.id, client=secretary, body=body), HTTPStatus.CREATED, f"participant {name}")

    agenda = [
        NewItem(title="Decentrale direktionsmøder - Ung - Sprog Kalundborg", case_number="21-046857K",
                case_type=CaseType.INFORMATION, recommendation="Direktøren indstiller, at orienteringen tages til efterretning.",
                handled_by="Direktionen."),
        NewItem(title="Implementering af FirstAgenda", case_number="22-003462", case_type=CaseType.DECISION,
                summary="Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.",
                recommendation="Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.",
                handled_by="Direktionen.",
                financial_consequences="Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver "
                                       "fordelt på de enheder, der anvender FirstAgenda."),
        NewItem(title="Afrapportering fra Kontrolgruppen 2021", case_number="18-037821K", case_type=CaseType.INFORMATION,
                financial_consequences="Tilbagebetalingskrav 3.946.058 kr. Fremtidige besparelser 6.125.042 kr."),
        NewItem(title="Status, Økonomiudvalget", closed=True, legal_basis=LegalBasis.OFFENTLIGHEDSLOVEN_33_3, case_number="22-005112",
                summary=f"{MARKER}: fortrolig status.", recommendation=f"{MARKER}: indstilling."),
        NewItem(title="Eventuelt"),
    ]
    items = [expect(create_item.sync_detailed(meeting.id, client=secretary, body=item), HTTPStatus.CREATED, f"item {item.title}")
             for item in agenda]
    firstagenda, closed = items[1], items[3]

    document = b"Opgaveinitieringsdokument FirstAgenda implementering\n"
    upload = AttachmentUpload(file=File(payload=io.BytesIO(document), file_name="Opgaveinitieringsdokument.txt"),
                              title="Opgaveinitieringsdokument FirstAgenda implementering")
    attachment = expect(upload_attachment.sync_detailed(firstagenda.id, client=secretary, body=upload), HTTPStatus.CREATED, "attachment")
    downloaded = download_attachment.sync_detailed(attachment.id, client=member)
    check(downloaded.status_code == 200 and downloaded.content == document, "a member downloads the attachment as it was sent")

    # Its life: agenda published, the meeting held, the decision recorded, the minutes published.
    def etag(response) -> str:
        return response.headers["etag"]

    def meeting_etag() -> str:
        return etag(get_meeting.sync_detailed(meeting.id, client=secretary))

    published = expect(publish_meeting_agenda.sync_detailed(meeting.id, client=secretary, body=PublishRequest(), if_match=meeting_etag()),
                       HTTPStatus.CREATED, "publish the agenda")
    check(published.published.number == 1, "agenda version 1")
    expect(hold_meeting.sync_detailed(meeting.id, client=secretary, body=HoldRequest(), if_match=meeting_etag()), HTTPStatus.OK, "hold the meeting")
    item_etag = etag(get_item.sync_detailed(firstagenda.id, client=secretary))
    decision = NewDecision(outcome=DecisionOutcome.APPROVED_WITH_CONDITIONS,
                           text="Godkendt inden for de rammer og målgrupper, som blev drøftet på mødet.")
    decided = expect(record_decision.sync_detailed(firstagenda.id, client=secretary, body=decision, if_match=item_etag),
                     HTTPStatus.OK, "record the decision")
    check(isinstance(decided, AgendaItemView) and decided.decision.outcome == DecisionOutcome.APPROVED_WITH_CONDITIONS,
          "the decision is on the item")
    stale = record_decision.sync_detailed(firstagenda.id, client=secretary, body=decision, if_match=item_etag)
    check(stale.status_code == 412, "a write with a stale ETag is refused (412)")
    minutes = expect(publish_meeting_minutes.sync_detailed(meeting.id, client=secretary, body=PublishRequest(), if_match=meeting_etag()),
                     HTTPStatus.CREATED, "publish the minutes")
    check(minutes.meeting.status.value == "minutes_published", "the minutes are published")

    # The reader (Borgerservice): the closed item is its number and title, nothing else.
    version = expect(get_published_version.sync_detailed(meeting.id, DocumentKind.MINUTES, 1, client=reader), HTTPStatus.OK,
                     "the reader reads the published minutes")
    shown = {entry.number: entry for entry in version.items}
    check(isinstance(shown[closed.number], TitleOnlyItem) and shown[closed.number].title == "Status, Økonomiudvalget",
          "the closed item is number and title to the reader")
    check(shown[closed.number].legal_basis == LegalBasis.OFFENTLIGHEDSLOVEN_33_3, "the reader is told why it is closed")
    check(isinstance(shown[firstagenda.number], DocumentItem) and shown[firstagenda.number].decision.text.startswith("Godkendt"),
          "the open item's decision is in the minutes")
    raw = get_published_version.sync_detailed(meeting.id, DocumentKind.MINUTES, 1, client=reader).content.decode()
    check(MARKER not in raw, "nothing of the closed item's content reaches the reader")
    live = expect(get_meeting.sync_detailed(meeting.id, client=reader), HTTPStatus.OK, "the reader reads the meeting")
    check(any(isinstance(entry, ClosedItemView) for entry in live.items) and MARKER not in json.dumps(live.to_dict()),
          "the live agenda shows the closed item as its title only")
    member_view = expect(get_published_version.sync_detailed(meeting.id, DocumentKind.MINUTES, 1, client=member), HTTPStatus.OK,
                         "a member reads the published minutes")
    check(MARKER in json.dumps(member_view.to_dict()), "a member reads the closed item in full")

    # The licences, about 50,000 kr. a year, shared equally by the units that use FirstAgenda.
    amount = expect(
        create_item_amount.sync_detailed(firstagenda.id, client=secretary, body=NewItemAmount(
            label="FirstAgenda, ubegrænsede licenser", kind=AmountKind.EXPENSE, recurrence=Recurrence.ANNUAL,
            amount_ore=5_000_000, price_year=2022)),
        HTTPStatus.CREATED, "the licences' amount on the item")
    allocation = expect(
        create_allocation_from_amount.sync_detailed(firstagenda.id, amount.id, client=finance, body=AllocationFromAmount(
            first_year=2022, method=Method.EQUAL, payers=[PayerInput(group_id=unit) for unit in units])),
        HTTPStatus.CREATED, "finance allocates the licences")
    shares = sorted(share.share_ore for share in allocation.shares)
    check(sum(shares) == 5_000_000 and shares[-1] - shares[0] <= 1, "seven shares, an øre apart at most, add up to 50,000 kr.")
    proposed = get_allocation_report_csv.sync_detailed(client=finance, year=2022, include_proposed=True)
    check(proposed.status_code == 200 and proposed.headers["content-type"].startswith("text/csv"), "the report comes as CSV")
    rows = list(csv.DictReader(io.StringIO(proposed.parsed)))
    check(len(rows) == 7, "one line per paying unit")
    amounts = [next(value for key, value in row.items() if key.startswith("amount")) for row in rows]
    check(sum(round(float(value) * 100) for value in amounts) == 5_000_000, "the CSV's lines add up to the total, in kroner")
    print("the 2022 seed meeting went through the generated Python client")


if __name__ == "__main__":
    main()
