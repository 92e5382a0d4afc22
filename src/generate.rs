//! A reproducible load for the benchmark: municipalities shaped like the seeds' (about 30
//! committees, 12 meetings a year with 10 items each, four tiers of groups, a few thousand users, a
//! quarter of the items closed, Danish texts of several paragraphs), twenty years of them, and as
//! many municipalities as asked for (98 for national scale).
//!
//! Municipality `m` is drawn from its own random stream (seed and `m`), so municipality 1 is the same
//! row for row whether it is generated alone or among 98: the benchmark reads the same meeting at
//! both scales. Past meetings carry their decisions and their published minutes, next year's
//! meetings are drafts, and the weeks ahead have published agendas.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime};
use serde::Serialize;

use crate::db::StoreError;
use crate::db::bulk::{self, AmountRow, ItemRow, MeetingRow, ParticipantRow, UserRow};
use crate::db::committees::{self, CommitteeFields};
use crate::db::groups::{self, GroupFields};
use crate::db::{Database, DbConnection, allocations, grants, kind_grants, meetings, published, write_transaction};
use crate::domain::allocation::{AllocationStatus, AmountKind, Currency, Method, Recurrence, split};
use crate::domain::closing::LegalBasis;
use crate::domain::{
    Attendance, CaseType, CommitteeKind, CommitteeRole, DecisionOutcome, DocumentKind, MeetingStatus, ParticipantRole,
    Publication, Tier,
};
use crate::error::{ApiError, ApiResult};
use crate::service::publishing::build_document;

/// What to generate.
#[derive(Clone, Debug)]
pub struct Plan {
    pub municipalities: u32,
    pub years: u32,
    pub seed: u64,
    pub users_per_municipality: u32,
    /// Municipalities generated at once, each on its own connection (PostgreSQL only: SQLite has
    /// one writer).
    pub jobs: u32,
}

/// What the benchmark needs to know of the generated data, for municipality 1.
#[derive(Debug, Serialize)]
pub struct Manifest {
    pub municipalities: u32,
    pub years: u32,
    pub meetings: usize,
    pub items: usize,
    /// A past meeting of a public political committee, with closed items and published minutes.
    pub meeting_id: i64,
    pub committee_id: i64,
    /// Draft meetings of the same committee next year, to add items to.
    pub draft_meeting_ids: Vec<i64>,
    /// A member of the committee (sees closed items), its secretary, a reader by kind-wide grant
    /// (sees closed items as title only) and a member of a unit that pays into allocations.
    pub member: Person,
    pub secretary: Person,
    pub reader: Person,
    pub payer: Person,
    pub report_year: i32,
}

#[derive(Clone, Debug, Serialize)]
pub struct Person {
    pub subject: String,
    pub groups: Vec<String>,
}

/// Fills an empty database; refuses one that holds committees already.
pub fn generate(db: &Database, plan: &Plan, progress: impl Fn(&str) + Sync) -> ApiResult<Manifest> {
    let empty = db.blocking::<_, StoreError, _>(|conn| Ok(committees::count(conn)? == 0))?;
    if !empty {
        return Err(ApiError::Conflict("the database already holds committees; generate into an empty one".into()));
    }
    let today = crate::time::now();
    let jobs = plan.jobs.clamp(1, plan.municipalities);
    let done = std::sync::atomic::AtomicU32::new(0);
    let results: Vec<ApiResult<Vec<(u32, Made)>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..jobs)
            .map(|job| {
                let done = &done;
                let progress = &progress;
                scope.spawn(move || {
                    let mut made = Vec::new();
                    for m in (1..=plan.municipalities).filter(|m| m % jobs == job) {
                        let mut rng =
                            fastrand::Rng::with_seed(plan.seed.wrapping_mul(1_000_003).wrapping_add(u64::from(m)));
                        let one = db.blocking(|conn| municipality(conn, plan, m, today, &mut rng))?;
                        let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                        progress(&format!(
                            "municipality {m} ({finished}/{}): {} meetings, {} items",
                            plan.municipalities, one.meetings, one.items
                        ));
                        made.push((m, one));
                    }
                    Ok(made)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(ApiError::internal("a generator thread panicked"))))
            .collect()
    });
    let mut all = Vec::new();
    for result in results {
        all.extend(result?);
    }
    // The planner needs to know the tables are no longer small.
    db.blocking::<_, StoreError, _>(|conn| Ok(crate::db::analyze(conn)?))?;
    let (meetings, items) = all.iter().fold((0, 0), |(m, i), (_, made)| (m + made.meetings, i + made.items));
    let mut manifest = all
        .into_iter()
        .find(|(m, _)| *m == 1)
        .map(|(_, made)| made.manifest)
        .ok_or_else(|| ApiError::validation("municipalities", "must be at least 1"))?;
    manifest.meetings = meetings;
    manifest.items = items;
    Ok(manifest)
}

struct Made {
    meetings: usize,
    items: usize,
    manifest: Manifest,
}

/// One municipality's groups in their tiers, by what they do.
struct Organisation {
    council: i64,
    political: Vec<(i64, String)>,
    management: i64,
    secretariat: i64,
    staff: Vec<(i64, String)>,
    units: Vec<(i64, String)>,
    institutions: Vec<(i64, String)>,
}

fn municipality(
    conn: &mut DbConnection,
    plan: &Plan,
    m: u32,
    today: NaiveDateTime,
    rng: &mut fastrand::Rng,
) -> ApiResult<Made> {
    let code = format!("k{m:02}");
    let org = write_transaction(conn, |conn| organisation(conn, &code, today))?;
    let users = users(&code, &org, plan.users_per_municipality, today, rng);
    write_transaction(conn, |conn| Ok::<_, ApiError>(bulk::insert_users(conn, &users)?))?;

    let first_year = today.year() - i32::try_from(plan.years).unwrap_or(20) + 1;
    let [member, secretary, reader, payer] = named(&code, &org);
    let mut made = Made {
        meetings: 0,
        items: 0,
        manifest: Manifest {
            municipalities: plan.municipalities,
            years: plan.years,
            meetings: 0,
            items: 0,
            meeting_id: 0,
            committee_id: 0,
            draft_meeting_ids: Vec::new(),
            member,
            secretary,
            reader,
            payer,
            report_year: today.year(),
        },
    };
    for (index, committee) in committees(&org).into_iter().enumerate() {
        // The planner must know that the tables are no longer small, or it scans them whole.
        if index == 0 || (m == 1 && index == 3) {
            crate::db::analyze(conn)?;
        }
        let committee = write_transaction(conn, |conn| {
            let created = committees::create(conn, &committee.fields, today)?;
            if committee.member_group != committee.secretary_group {
                grants::create(conn, created.id, committee.member_group, CommitteeRole::Member, today)?;
            }
            grants::create(conn, created.id, committee.secretary_group, CommitteeRole::Secretary, today)?;
            Ok::<_, ApiError>(created)
        })?;
        let schedule = schedule(first_year, today, index);
        let meeting_rows: Vec<MeetingRow> = schedule
            .iter()
            .map(|&(starts_at, status)| MeetingRow {
                committee_id: committee.id,
                title: format!("Møde i {}", committee.name),
                starts_at,
                ends_at: Some(starts_at + Duration::hours(2)),
                location: Some((*pick(rng, LOCATIONS)).to_owned()),
                status,
                version: 1,
                created_at: starts_at - Duration::days(30),
                updated_at: starts_at - Duration::days(7),
                open_version: 1,
                open_updated_at: starts_at - Duration::days(7),
            })
            .collect();
        let counts =
            write_transaction(conn, |conn| meetings_of_committee(conn, &code, &committee, &meeting_rows, today, rng))?;
        made.meetings += meeting_rows.len();
        made.items += counts.items;
        if index == 2 {
            // The first political committee: public, with members, a secretariat and readers.
            made.manifest.committee_id = committee.id;
            made.manifest.meeting_id = counts.sample_meeting;
            made.manifest.draft_meeting_ids = counts.drafts;
        }
    }
    write_transaction(conn, |conn| allocations_for(conn, &org, first_year, today, rng))?;
    Ok(made)
}

fn person(code: &str, who: &str, group: &str) -> Person {
    Person { subject: format!("{code}-{who}"), groups: vec![group.to_owned()] }
}

/// The people the manifest names: a member of the first political committee (Børne- og
/// Skoleudvalget), the secretariat, the management and Økonomistaben.
fn named(code: &str, org: &Organisation) -> [Person; 4] {
    [
        person(code, "medlem", &org.political[0].1),
        person(code, "sekretaer", &format!("{code}-sekretariatet")),
        person(code, "direktion", &format!("{code}-direktionen")),
        person(code, "oekonomi", &org.staff[0].1),
    ]
}

fn group(
    conn: &mut DbConnection,
    name: &str,
    external_id: &str,
    tier: Tier,
    parent: Option<i64>,
    now: NaiveDateTime,
) -> ApiResult<i64> {
    let fields = GroupFields {
        name: name.to_owned(),
        external_id: Some(external_id.to_owned()),
        tier,
        parent_id: parent,
        description: None,
        manages_subtree: false,
    };
    Ok(groups::create(conn, &fields, now)?.id)
}

fn organisation(conn: &mut DbConnection, code: &str, now: NaiveDateTime) -> ApiResult<Organisation> {
    let slug = |name: &str| format!("{code}-{}", slugify(name));
    let council = group(conn, "Byrådet", &slug("Byrådet"), Tier::Political, None, now)?;
    let mut political = Vec::new();
    for name in POLITICAL_COMMITTEES {
        political.push((group(conn, name, &slug(name), Tier::Political, Some(council), now)?, slug(name)));
    }
    let management = group(conn, "Direktionen", &slug("Direktionen"), Tier::Political, None, now)?;
    let staff_root = group(conn, "Stabene", &slug("Stabene"), Tier::Staff, None, now)?;
    let secretariat = group(conn, "Sekretariatet", &slug("Sekretariatet"), Tier::Staff, Some(staff_root), now)?;
    let mut staff = Vec::new();
    for name in STAFF {
        staff.push((group(conn, name, &slug(name), Tier::Staff, Some(staff_root), now)?, slug(name)));
    }
    let mut units = Vec::new();
    let mut institutions = Vec::new();
    for (centre, places) in CENTRES {
        let id = group(conn, centre, &slug(centre), Tier::Unit, None, now)?;
        units.push((id, slug(centre)));
        for part in 1..=3 {
            let name = format!("{centre}, afdeling {part}");
            units.push((group(conn, &name, &slug(&name), Tier::Unit, Some(id), now)?, slug(&name)));
        }
        for place in *places {
            institutions.push((group(conn, place, &slug(place), Tier::Institution, Some(id), now)?, slug(place)));
        }
    }
    kind_grants::create(conn, CommitteeKind::PoliticalCommittee, management, CommitteeRole::Reader, now)?;
    kind_grants::create(conn, CommitteeKind::ExecutiveBoard, management, CommitteeRole::Reader, now)?;
    Ok(Organisation { council, political, management, secretariat, staff, units, institutions })
}

fn slugify(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| match c {
            'æ' => 'e',
            'ø' => 'o',
            'å' => 'a',
            c if c.is_ascii_alphanumeric() => c,
            _ => '-',
        })
        .collect()
}

fn users(code: &str, org: &Organisation, count: u32, now: NaiveDateTime, rng: &mut fastrand::Rng) -> Vec<UserRow> {
    let mut everyone: Vec<Person> = named(code, org).to_vec();
    let places: Vec<&String> = org.units.iter().chain(&org.institutions).chain(&org.staff).map(|(_, s)| s).collect();
    for n in 1..=count {
        let mut groups = vec![pick(rng, &places).to_string()];
        if rng.u8(0..10) == 0 {
            groups.push(pick(rng, &places).to_string());
        }
        everyone.push(Person { subject: format!("{code}-u{n:05}"), groups });
    }
    everyone
        .into_iter()
        .map(|p| {
            let seen = now - Duration::days(i64::from(rng.u16(0..400)));
            UserRow {
                name: Some(format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))),
                email: Some(format!("{}@{code}.example.dk", p.subject)),
                groups_seen: serde_json::to_string(&p.groups).unwrap_or_else(|_| "[]".into()),
                subject: p.subject,
                active: true,
                first_seen_at: seen - Duration::days(365),
                last_seen_at: seen,
                version: 1,
                updated_at: seen,
            }
        })
        .collect()
}

struct CommitteePlan {
    fields: CommitteeFields,
    member_group: i64,
    secretary_group: i64,
}

/// Thirty committees: the council, the finance committee, eight political committees, the
/// management, MED committees, school and day-care boards, networks and collaborations.
fn committees(org: &Organisation) -> Vec<CommitteePlan> {
    let plan = |name: &str, kind, owner, publication, member_group, secretary_group| CommitteePlan {
        fields: CommitteeFields {
            name: name.to_owned(),
            kind,
            owner_group_id: owner,
            publication,
            description: None,
            requires_sign_off: false,
            numbering: crate::domain::agenda::Numbering::Meeting,
        },
        member_group,
        secretary_group,
    };
    let mut all = vec![
        plan("Byrådet", CommitteeKind::CityCouncil, org.council, Publication::Public, org.council, org.secretariat),
        plan(
            "Økonomiudvalget",
            CommitteeKind::ExecutiveBoard,
            org.council,
            Publication::Public,
            org.political[0].0,
            org.secretariat,
        ),
    ];
    for ((id, _), name) in org.political.iter().zip(POLITICAL_COMMITTEES) {
        all.push(plan(name, CommitteeKind::PoliticalCommittee, *id, Publication::Public, *id, org.secretariat));
    }
    all.push(plan(
        "Direktionen",
        CommitteeKind::Other,
        org.management,
        Publication::None,
        org.management,
        org.management,
    ));
    all.push(plan(
        "Hovedudvalget",
        CommitteeKind::Med,
        org.secretariat,
        Publication::Internal,
        org.secretariat,
        org.secretariat,
    ));
    for (index, (id, _)) in org.units.iter().step_by(4).enumerate() {
        let name = format!("MED-udvalg, {}", CENTRES[index].0);
        all.push(plan(&name, CommitteeKind::Med, *id, Publication::Internal, *id, *id));
    }
    let boards = org.institutions.iter().take(12).enumerate();
    for (index, (id, slug)) in boards {
        let (kind, what) = if index < 7 {
            (CommitteeKind::SchoolBoard, "Skolebestyrelsen")
        } else {
            (CommitteeKind::DaycareBoard, "Forældrebestyrelsen")
        };
        all.push(plan(&format!("{what} ({slug})"), kind, *id, Publication::Internal, *id, *id));
    }
    all.push(plan(
        "Netværk for digitalisering",
        CommitteeKind::Network,
        org.staff[2].0,
        Publication::None,
        org.staff[2].0,
        org.staff[2].0,
    ));
    all
}

/// Twelve meetings a year, from `first_year` to the end of next year, with the status each would have now.
fn schedule(first_year: i32, today: NaiveDateTime, index: usize) -> Vec<(NaiveDateTime, MeetingStatus)> {
    let mut meetings = Vec::new();
    for year in first_year..=today.year() + 1 {
        for month in 1..=12 {
            let day = 1 + u32::try_from(index % 20).unwrap_or(0);
            let Some(date) = NaiveDate::from_ymd_opt(year, month, day) else { continue };
            let starts_at = date.and_hms_opt(15, 0, 0).unwrap_or_default();
            let status = if starts_at < today {
                MeetingStatus::MinutesPublished
            } else if starts_at < today + Duration::days(14) {
                MeetingStatus::AgendaPublished
            } else {
                MeetingStatus::Draft
            };
            meetings.push((starts_at, status));
        }
    }
    meetings
}

struct Counts {
    items: usize,
    sample_meeting: i64,
    drafts: Vec<i64>,
}

fn meetings_of_committee(
    conn: &mut DbConnection,
    code: &str,
    committee: &committees::Committee,
    rows: &[MeetingRow],
    today: NaiveDateTime,
    rng: &mut fastrand::Rng,
) -> ApiResult<Counts> {
    let ids = bulk::insert_meetings(conn, rows)?;
    let mut participants = Vec::new();
    let mut items = Vec::new();
    for (id, row) in ids.iter().zip(rows) {
        let held = row.status == MeetingStatus::MinutesPublished;
        for seat in 0..7 {
            let role = match seat {
                0 => ParticipantRole::Chair,
                6 => ParticipantRole::Secretary,
                _ => ParticipantRole::Member,
            };
            let absent = held && rng.u8(0..12) == 0;
            participants.push(ParticipantRow {
                meeting_id: *id,
                name: format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES)),
                user_subject: (seat == 1).then(|| format!("{code}-medlem")),
                role,
                attendance: if absent { Attendance::Apologies } else { Attendance::Present },
                approver: false,
                version: 1,
                created_at: row.created_at,
                updated_at: row.created_at,
            });
        }
        for position in 1..=10 {
            items.push(item(rng, *id, position, row, held));
        }
    }
    bulk::insert_participants(conn, &participants)?;
    let item_ids = bulk::insert_items(conn, &ids, &items)?;
    let mut amounts = Vec::new();
    for (&item_id, item) in item_ids.iter().zip(&items) {
        if rng.u8(0..10) != 0 {
            continue;
        }
        amounts.push(AmountRow {
            item_id,
            label: "Anlægsudgift".to_owned(),
            kind: AmountKind::Expense,
            recurrence: if rng.bool() { Recurrence::OneOff } else { Recurrence::Annual },
            amount_ore: i64::from(rng.u32(10_000..50_000_000)) * 100,
            price_year: Some(item.created_at.year()),
            version: 1,
            created_at: item.created_at,
            updated_at: item.created_at,
        });
    }
    bulk::insert_amounts(conn, &amounts)?;

    let mut sample_meeting = 0;
    let mut drafts = Vec::new();
    for (id, row) in ids.iter().zip(rows) {
        let kind = match row.status {
            MeetingStatus::MinutesPublished => DocumentKind::Minutes,
            MeetingStatus::AgendaPublished => DocumentKind::Agenda,
            _ => {
                drafts.push(*id);
                continue;
            }
        };
        let meeting = meetings::find(conn, *id)?.ok_or(ApiError::NotFound)?;
        let mut document = build_document(conn, &meeting, committee, kind, 1, None, meeting.version)?;
        document.published_at = crate::time::to_api(row.starts_at + Duration::days(3));
        published::insert(conn, &document, &meeting, row.starts_at + Duration::days(3), "generator")?;
        if kind == DocumentKind::Minutes && row.starts_at < today - Duration::days(60) {
            sample_meeting = *id;
        }
    }
    Ok(Counts { items: items.len(), sample_meeting, drafts })
}

fn item(rng: &mut fastrand::Rng, meeting_id: i64, position: i32, meeting: &MeetingRow, held: bool) -> ItemRow {
    let first = position == 1;
    let closed = !first && rng.u8(0..4) == 0;
    let case_type = if first {
        CaseType::Decision
    } else {
        *pick(rng, &[CaseType::Decision, CaseType::Decision, CaseType::Discussion, CaseType::Information])
    };
    let title = if first {
        "Godkendelse af dagsorden".to_owned()
    } else {
        format!("{} {}", pick(rng, TITLE_STARTS), pick(rng, TITLE_SUBJECTS))
    };
    let year = meeting.starts_at.year();
    let (outcome, decision) = if held {
        let outcome = match case_type {
            CaseType::Decision => *pick(
                rng,
                &[DecisionOutcome::Approved, DecisionOutcome::Approved, DecisionOutcome::ApprovedWithConditions],
            ),
            CaseType::Discussion => DecisionOutcome::Discussed,
            CaseType::Information => DecisionOutcome::Noted,
        };
        (Some(outcome), Some(paragraph(rng, 1, 3)))
    } else {
        (None, None)
    };
    ItemRow {
        meeting_id,
        position,
        title,
        closed,
        legal_basis: closed.then(|| {
            *pick(rng, &[LegalBasis::PrivateMatters, LegalBasis::PublicFinancialInterests, LegalBasis::PersonalMatters])
        }),
        case_number: (!first).then(|| format!("{}-{year}-{}", rng.u16(100..999), rng.u32(1000..99_999))),
        journal_number: (!first).then(|| pick(rng, JOURNAL_NUMBERS).to_string()),
        document_number: (!first && rng.bool()).then(|| format!("{}-{year}", rng.u32(10_000..999_999))),
        case_type: Some(case_type),
        summary: (!first).then(|| paragraphs(rng)),
        recommendation: (!first).then(|| format!("Administrationen indstiller, at {}", paragraph(rng, 1, 2))),
        handled_by: (!first && rng.bool()).then(|| format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))),
        presentation: (!first && rng.u8(0..4) == 0).then(|| paragraph(rng, 1, 2)),
        financial_consequences: (!first && rng.u8(0..3) == 0).then(|| paragraph(rng, 1, 3)),
        decision_outcome: outcome,
        decision_text: decision,
        decided_at: held.then_some(meeting.starts_at + Duration::hours(1)),
        version: 1,
        created_at: meeting.created_at,
        updated_at: meeting.updated_at,
    }
}

/// One to four paragraphs of two to six sentences: from a few hundred characters to about 2 KB.
fn paragraphs(rng: &mut fastrand::Rng) -> String {
    let count = rng.usize(1..=4);
    (0..count).map(|_| paragraph(rng, 2, 6)).collect::<Vec<_>>().join("\n\n")
}

fn paragraph(rng: &mut fastrand::Rng, min: usize, max: usize) -> String {
    let count = rng.usize(min..=max);
    (0..count).map(|_| *pick(rng, SENTENCES)).collect::<Vec<_>>().join(" ")
}

/// Allocations of common costs among staff functions and units: twenty a year, equal or weighted.
fn allocations_for(
    conn: &mut DbConnection,
    org: &Organisation,
    first_year: i32,
    now: NaiveDateTime,
    rng: &mut fastrand::Rng,
) -> ApiResult<()> {
    let payers: Vec<i64> = org.staff.iter().chain(&org.units).map(|(id, _)| *id).collect();
    for year in first_year..=now.year() {
        for n in 0..20 {
            let total_ore = i64::from(rng.u32(100_000..100_000_000)) * 10;
            let mut chosen: Vec<i64> = Vec::new();
            // The first staff function (Økonomistaben) pays into half of them.
            if n % 2 == 0 {
                chosen.push(payers[0]);
            }
            while chosen.len() < rng.usize(2..=8) {
                let candidate = *pick(rng, &payers);
                if !chosen.contains(&candidate) {
                    chosen.push(candidate);
                }
            }
            let weighted = rng.bool();
            let weights: Vec<(i64, i64)> =
                chosen.iter().map(|g| (*g, if weighted { i64::from(rng.u8(1..20)) } else { 1 })).collect();
            let shares = split(total_ore, &weights).map_err(|e| ApiError::internal(format!("{e:?}")))?;
            let fields = allocations::AllocationFields {
                title: format!("{} {year}", pick(rng, COMMON_COSTS)),
                description: Some(paragraph(rng, 1, 2)),
                total_ore,
                currency: Currency::Dkk,
                kind: if rng.bool() { Recurrence::Annual } else { Recurrence::OneOff },
                first_year: year,
                last_year: Some(year),
                price_year: Some(year),
                item_id: None,
                item_amount_id: None,
                status: AllocationStatus::Approved,
                method: if weighted { Method::Weighted } else { Method::Equal },
                counted_at: None,
            };
            let payers: Vec<allocations::Payer> = shares
                .iter()
                .zip(&weights)
                .map(|(&(group_id, share_ore), &(_, weight))| allocations::Payer {
                    allocation_id: 0,
                    group_id,
                    weight: weighted.then_some(weight),
                    amount_ore: None,
                    active_users: None,
                    share_ore,
                })
                .collect();
            allocations::create(conn, &fields, &payers, now)?;
        }
    }
    Ok(())
}

fn pick<'a, T>(rng: &mut fastrand::Rng, from: &'a [T]) -> &'a T {
    &from[rng.usize(0..from.len())]
}

const POLITICAL_COMMITTEES: &[&str] = &[
    "Børne- og Skoleudvalget",
    "Social- og Sundhedsudvalget",
    "Teknik- og Miljøudvalget",
    "Kultur- og Fritidsudvalget",
    "Beskæftigelsesudvalget",
    "Klima- og Planudvalget",
    "Ældreudvalget",
    "Erhvervsudvalget",
];

const STAFF: &[&str] = &["Økonomistaben", "HR og Personale", "IT og Digitalisering", "Jura", "Kommunikation", "Indkøb"];

const CENTRES: &[(&str, &[&str])] = &[
    (
        "Center for Børn og Unge",
        &["Børnehuset Solsikken", "Børnehuset Mælkebøtten", "Vuggestuen Myretuen", "Dagplejen"],
    ),
    (
        "Center for Skole",
        &["Nordskolen", "Søndre Skole", "Vestskolen", "Østskolen", "Byskolen", "Ungdomsskolen", "Musikskolen"],
    ),
    ("Jobcentret", &["Ungeindsatsen", "Virksomhedsservice"]),
    ("Borgerservice", &["Ydelsesservice", "Pas og kørekort"]),
    ("Center for Teknik og Miljø", &["Materielgården", "Genbrugspladsen", "Vej og Park"]),
    ("Center for Sundhed og Omsorg", &["Plejecenter Egebo", "Plejecenter Bøgely", "Hjemmeplejen", "Sundhedshuset"]),
    ("Center for Kultur og Fritid", &["Biblioteket", "Kulturhuset", "Idrætscentret"]),
    ("Center for Social", &["Bostedet Lyngen", "Socialpsykiatrien", "Misbrugscentret"]),
];

const LOCATIONS: &[&str] = &["Mødelokale 1, Rådhuset", "Byrådssalen", "Mødelokale 3, Rådhuset", "Udvalgsværelset"];

const FIRST_NAMES: &[&str] = &[
    "Anne", "Mette", "Jens", "Peter", "Lars", "Hanne", "Søren", "Kirsten", "Mads", "Line", "Rasmus", "Birgitte",
    "Henrik", "Louise", "Niels", "Camilla", "Thomas", "Pia", "Jørgen", "Signe",
];

const LAST_NAMES: &[&str] = &[
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Poulsen",
    "Møller",
    "Mortensen",
];

const TITLE_STARTS: &[&str] = &[
    "Beslutning om",
    "Orientering om",
    "Drøftelse af",
    "Godkendelse af",
    "Høring om",
    "Status på",
    "Budgetopfølgning på",
];

const TITLE_SUBJECTS: &[&str] = &[
    "skolestruktur og klassedannelse",
    "anlægsbevilling til ny daginstitution",
    "kvalitetsrapport for folkeskolen",
    "tilsyn med plejecentre",
    "lokalplan for boligområde ved Stationsvej",
    "udbud af rengøring",
    "handleplan for klimatilpasning",
    "fælles IT-platform for institutionerne",
    "ansøgning om tilskud fra puljen til trivsel",
    "revideret sygefraværspolitik",
    "takster for ældreområdet",
    "ændret serviceniveau i hjemmeplejen",
    "kontrolgruppens opfølgning på sociale ydelser",
    "samarbejdsaftale med regionen",
];

const SENTENCES: &[&str] = &[
    "Udvalget besluttede på sit seneste møde at bede administrationen om en nærmere beskrivelse af sagen.",
    "Forvaltningen har udarbejdet et forslag, som tager højde for de bemærkninger, der kom i høringsperioden.",
    "Beslutningen har betydning for både borgere, medarbejdere og de berørte institutioner.",
    "Der er afsat midler i budgettet til formålet, og udgiften kan afholdes inden for den eksisterende ramme.",
    "Sagen har været drøftet i det lokale MED-udvalg, som bakker op om den foreslåede løsning.",
    "Høringssvarene er vedlagt som bilag og gengivet i hovedtræk nedenfor.",
    "Administrationen vurderer, at forslaget kan gennemføres uden væsentlige gener for brugerne.",
    "Den nuværende ordning blev indført i forbindelse med kommunalreformen og har siden kun været justeret få gange.",
    "Erfaringerne fra andre kommuner viser, at en tidlig og tværfaglig indsats giver de bedste resultater.",
    "Økonomistaben har beregnet de økonomiske konsekvenser, som fremgår af afsnittet om økonomi.",
    "Der lægges op til, at beslutningerne evalueres efter et år, og at udvalget orienteres om resultatet.",
    "Forslaget indebærer, at de fælles udgifter fordeles mellem de enheder, der har gavn af løsningen.",
    "Borgerne vil blive orienteret gennem kommunens hjemmeside og de lokale medier.",
    "Projektet gennemføres i samarbejde med de faglige organisationer og skolebestyrelserne.",
    "Tidsplanen forudsætter, at byggetilladelsen foreligger inden udgangen af andet kvartal.",
    "Det anbefales, at der nedsættes en arbejdsgruppe med repræsentanter fra de berørte centre.",
    "Kontrolgruppen har gennemgået sagerne og fundet et tilbagebetalingskrav af betydelig størrelse.",
    "Sagen forelægges udvalget til orientering, idet der ikke er behov for en politisk beslutning.",
    "Den juridiske vurdering er, at kommunen har hjemmel til at træffe beslutningen efter serviceloven.",
    "Antallet af børn i dagtilbud forventes at stige med omkring fem procent over de kommende år.",
    "Ventelisten er nedbragt markant, efter at der blev tilført ekstra ressourcer i efteråret.",
    "Det vurderes, at ændringen vil frigøre tid til kerneopgaven og styrke kvaliteten i indsatsen.",
    "Der er fortsat usikkerhed om de endelige anlægsudgifter, som afhænger af licitationsresultatet.",
    "Forvaltningen anbefaler, at beslutningerne fra sidste år fastholdes uændret.",
    "Klimaplanen forpligter kommunen til at reducere udledningen fra egne bygninger og køretøjer.",
    "Medarbejderne har givet udtryk for tilfredshed med de nye arbejdsgange.",
    "Udgifterne til specialundervisning er steget mere end forventet i indeværende budgetår.",
    "Tilsynsrapporten peger på enkelte forhold, som plejecentret allerede har rettet op på.",
    "Der henvises i øvrigt til den tidligere fremsendte redegørelse og de vedlagte bilag.",
    "Et enigt udvalg anbefaler indstillingen over for Økonomiudvalget og Byrådet.",
];

const JOURNAL_NUMBERS: &[&str] =
    &["00.01.00", "00.01.10", "17.01.10", "27.12.00", "29.09.00", "81.44.00", "82.02.00", "85.02.02"];

const COMMON_COSTS: &[&str] = &[
    "Fælles IT-licenser",
    "Kantinedrift",
    "Rengøring af fællesarealer",
    "Arbejdsmiljøuddannelse",
    "Fælles kørselsordning",
    "Kontrolgruppens arbejde",
    "Ny intranetplatform",
];
