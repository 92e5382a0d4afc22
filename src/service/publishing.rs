//! Publishing: the document a published agenda or minutes is, made from the meeting as it stands
//! (and stored whole, never changed after), and where the minutes' sign-off stands.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::db::committees::Committee;
use crate::db::items::{self, Item};
use crate::db::meetings::Meeting;
use crate::db::{
    DbConnection, StoreError, attachments, case_routes, item_amounts, participants, published, referrals, sign_offs,
    votes,
};
use crate::domain::access::may_carry_decision;
use crate::domain::document::{
    Document, DocumentAbsence, DocumentAmount, DocumentAttachment, DocumentCommittee, DocumentDecision,
    DocumentDissent, DocumentEntry, DocumentExclusion, DocumentGuest, DocumentItem, DocumentMeeting,
    DocumentParticipant, DocumentPosition, DocumentReferral, DocumentRouteStep, DocumentSignature, DocumentVote,
    EarlierDecision,
};
use crate::domain::lifecycle::{SignOffFacts, unsigned_approvers};
use crate::domain::protocol::with_party;
use crate::domain::{DocumentKind, ItemAttendanceKind};
use crate::error::ApiResult;
use crate::service::protocol::Sitting;
use crate::time;

/// The most items of one case looked at for its earlier decisions.
const CASE_HISTORY: i64 = 50;

/// For each item of the meeting with a case number, the decisions earlier bodies made on the case,
/// oldest first: taken from the latest published minutes of each earlier meeting, and only where
/// `domain::access::may_carry_decision` lets this committee's documents carry them.
fn earlier_decisions(
    conn: &mut DbConnection,
    meeting: &Meeting,
    committee: &Committee,
    agenda: &[Item],
) -> ApiResult<HashMap<i64, Vec<EarlierDecision>>> {
    let mut found: HashMap<i64, Vec<EarlierDecision>> = HashMap::new();
    let mut minutes: HashMap<i64, Option<Document>> = HashMap::new();
    for item in agenda {
        let Some(case_number) = &item.case_number else { continue };
        for (earlier, at, body) in items::for_case(conn, case_number, None, CASE_HISTORY)? {
            let before = at.starts_at < meeting.starts_at && at.id != meeting.id;
            if !before || !may_carry_decision(earlier.closed, body.publication, committee.publication) {
                continue;
            }
            let document = match minutes.entry(at.id) {
                Entry::Occupied(known) => known.into_mut(),
                Entry::Vacant(new) => new.insert(published::latest(conn, at.id, DocumentKind::Minutes)?),
            };
            let decided = document
                .as_ref()
                .and_then(|document| document.items.iter().filter_map(DocumentEntry::full).find(|i| i.id == earlier.id))
                .and_then(|published| published.decision.clone());
            if let Some(decision) = decided {
                found.entry(item.id).or_default().push(EarlierDecision {
                    committee: body.name.clone(),
                    meeting_id: at.id,
                    date: time::to_api(at.starts_at),
                    outcome: decision.outcome,
                    text: decision.text,
                });
            }
        }
    }
    Ok(found)
}

/// For each item of the meeting with a case number that has a route, the route's steps, naming only
/// bodies whose documents reach as far as this committee's (as earlier decisions travel).
fn routes(
    conn: &mut DbConnection,
    committee: &Committee,
    agenda: &[Item],
) -> ApiResult<HashMap<i64, Vec<DocumentRouteStep>>> {
    let mut cases: Vec<String> = agenda.iter().filter_map(|item| item.case_number.clone()).collect();
    cases.sort_unstable();
    cases.dedup();
    let mut by_case: HashMap<String, Vec<DocumentRouteStep>> = HashMap::new();
    for (case_number, step) in case_routes::steps_of(conn, &cases)? {
        let named = step.committee_id == committee.id
            || may_carry_decision(false, step.committee_publication, committee.publication);
        by_case.entry(case_number).or_default().push(DocumentRouteStep {
            committee: named.then_some(step.committee_name),
            reading: step.reading,
            decides: step.decides,
        });
    }
    Ok(agenda.iter().filter_map(|item| Some((item.id, by_case.get(item.case_number.as_ref()?)?.clone()))).collect())
}

/// The meeting as it now stands, as a document of `kind` numbered `number`. Minutes carry the
/// decisions and the approvers who signed `signed_version` of the meeting.
pub fn build_document(
    conn: &mut DbConnection,
    meeting: &Meeting,
    committee: &Committee,
    kind: DocumentKind,
    number: i32,
    reason: Option<String>,
    signed_version: i64,
) -> ApiResult<Document> {
    let sitting = Sitting::of(conn, meeting)?;
    let people = &sitting.participants;
    let attendance = &sitting.attendance;
    let files = attachments::list_for_meeting(conn, meeting.id)?;
    let amounts = item_amounts::list_for_meeting(conn, meeting.id)?;
    let minutes = kind == DocumentKind::Minutes;
    let (all_votes, all_dissents, all_referrals) = if minutes {
        let votes_taken = votes::list_for_meeting(conn, meeting.id)?;
        (votes_taken, votes::dissents_for_meeting(conn, meeting.id)?, referrals::list_for_meeting(conn, meeting.id)?)
    } else {
        (Vec::new(), Vec::new(), Vec::new())
    };
    // Items the first agenda did not have are on the supplementary agenda.
    let first_agenda: Option<Vec<i64>> = published::find(conn, meeting.id, DocumentKind::Agenda, 1)?
        .map(|first| first.items.iter().filter_map(DocumentEntry::full).map(|item| item.id).collect());
    let agenda: Vec<Item> = sitting.items.iter().map(|(item, _)| item.clone()).collect();
    let mut earlier = earlier_decisions(conn, meeting, committee, &agenda)?;
    let mut case_routes = routes(conn, committee, &agenda)?;
    attachments::mark_published(conn, &files.iter().map(|f| f.id).collect::<Vec<_>>())?;
    let person = |id: i64| sitting.participant(id);
    let name_of = |id: i64| person(id).map(|p| p.name.clone()).unwrap_or_default();
    let named = |id: i64| person(id).map(|p| with_party(&p.name, p.party.as_deref())).unwrap_or_default();
    let entries = sitting
        .items
        .iter()
        .map(|(item, _)| {
            let item = item.clone();
            let mut item_votes = Vec::new();
            for vote in all_votes.iter().filter(|v| v.item_id == item.id) {
                let positions = vote
                    .positions()?
                    .into_iter()
                    .map(|p| match p.participant_id.and_then(person) {
                        Some(who) => DocumentPosition {
                            stance: p.stance,
                            name: Some(who.name.clone()),
                            party: who.party.clone(),
                            count: 1,
                        },
                        None => DocumentPosition {
                            stance: p.stance,
                            name: None,
                            party: p.party,
                            count: p.count.unwrap_or(1),
                        },
                    })
                    .collect();
                item_votes.push(DocumentVote {
                    number: vote.position,
                    subject: vote.subject,
                    motion: vote.motion.clone(),
                    method: vote.method,
                    result: vote.result,
                    positions,
                });
            }
            let dissents = all_dissents
                .iter()
                .filter(|d| d.item_id == item.id)
                .map(|d| DocumentDissent {
                    vote_number: all_votes.iter().find(|v| v.id == d.vote_id).map_or(0, |v| v.position),
                    name: name_of(d.participant_id),
                    party: person(d.participant_id).and_then(|p| p.party.clone()),
                    text: d.text.clone(),
                })
                .collect();
            let here = attendance.iter().filter(|a| a.item_id == item.id);
            let guests = here
                .clone()
                .filter(|a| a.kind == ItemAttendanceKind::Guest)
                .map(|a| DocumentGuest { name: a.name.clone().unwrap_or_default(), note: a.note.clone() })
                .collect();
            let absent = here
                .filter_map(|a| a.participant_id.map(|p| (p, a)))
                .map(|(p, a)| DocumentAbsence { participant_id: p, name: name_of(p), note: a.note.clone() })
                .collect();
            let decision = (minutes && (item.decision_outcome.is_some() || item.decision_text.is_some())).then(|| {
                DocumentDecision {
                    outcome: item.decision_outcome,
                    text: item.decision_text.clone(),
                    quorum_override: item.quorum_override.clone(),
                    public_text: item.public_decision_text.clone(),
                    public_from: item.public_decision_from,
                }
            });
            let exclusions = if minutes { sitting.exclusions.iter() } else { [].iter() }
                .filter(|e| e.item_id == item.id)
                .filter_map(|e| e.participant_id.and_then(person).map(|p| (e, p)))
                .map(|(e, p)| DocumentExclusion {
                    name: p.name.clone(),
                    party: p.party.clone(),
                    raised_by: e.raised_by,
                    ruling: e.ruling.clone(),
                    left_room: e.left_room,
                    substitute: e.substitute_id.map(named),
                })
                .collect();
            let referrals = all_referrals
                .iter()
                .filter(|r| r.item_id == item.id)
                .map(|r| DocumentReferral {
                    name: name_of(r.participant_id),
                    party: person(r.participant_id).and_then(|p| p.party.clone()),
                    note: r.note.clone(),
                })
                .collect();
            let quorum = if minutes { sitting.quorum(item.id) } else { None };
            let section = item.section();
            Ok(DocumentEntry::Full(Box::new(DocumentItem {
                id: item.id,
                number: item.number(),
                title: item.title,
                closed: item.closed,
                case_number: item.case_number,
                journal_number: item.journal_number,
                document_number: item.document_number,
                case_type: item.case_type,
                summary: item.summary,
                recommendation: item.recommendation,
                handled_by: item.handled_by,
                presentation: item.presentation,
                financial_consequences: item.financial_consequences,
                decision,
                guests,
                absent,
                attachments: files
                    .iter()
                    .filter(|f| f.item_id == Some(item.id))
                    .map(|f| DocumentAttachment {
                        id: f.id,
                        title: f.title.clone(),
                        filename: f.filename.clone(),
                        content_type: f.content_type.clone(),
                        size: f.size,
                        sha256: f.sha256.clone(),
                    })
                    .collect(),
                amounts: amounts
                    .iter()
                    .filter(|a| a.item_id == item.id)
                    .map(|a| DocumentAmount {
                        label: a.label.clone(),
                        kind: a.kind,
                        recurrence: a.recurrence,
                        amount_ore: a.amount_ore,
                        price_year: a.price_year,
                    })
                    .collect(),
                votes: item_votes,
                dissents,
                quorum,
                exclusions,
                referrals,
                earlier_decisions: earlier.remove(&item.id).unwrap_or_default(),
                route: case_routes.remove(&item.id).unwrap_or_default(),
                section: Some(section),
                supplementary: first_agenda.as_ref().is_some_and(|first| !first.contains(&item.id)),
                legal_basis: item.legal_basis,
                closed_grounds: item.closed_grounds,
                title_withheld: item.closed && item.title_withheld,
            })))
        })
        .collect::<Result<_, StoreError>>()?;
    let signed_by = if minutes {
        sign_offs::list_for_meeting(conn, meeting.id)?
            .into_iter()
            .filter(|s| s.meeting_version == signed_version)
            .map(|s| DocumentSignature { name: name_of(s.participant_id), signed_at: time::to_api(s.signed_at) })
            .collect()
    } else {
        Vec::new()
    };
    Ok(Document {
        kind,
        number,
        reason,
        published_at: time::to_api(time::now()),
        meeting: DocumentMeeting {
            id: meeting.id,
            committee: DocumentCommittee { id: committee.id, name: committee.name.clone(), kind: committee.kind },
            title: meeting.title.clone(),
            status: meeting.status,
            starts_at: time::to_api(meeting.starts_at),
            ends_at: meeting.ends_at.map(time::to_api),
            location: meeting.location.clone(),
            online_link: meeting.online_link.clone(),
            extraordinary: meeting.extraordinary,
        },
        participants: people
            .iter()
            .map(|p| DocumentParticipant {
                id: p.id,
                name: p.name.clone(),
                role: p.role,
                attendance: p.attendance,
                party: p.party.clone(),
                substitute_for: p.substitute_for,
                arrived_at_item: sitting.number(p.arrived_at_item),
                left_after_item: sitting.number(p.left_after_item),
            })
            .collect(),
        items: entries,
        signed_by,
        next_release: None,
    })
}

/// Where the sign-off of the meeting stands, when its committee requires one.
pub fn sign_off_facts(conn: &mut DbConnection, meeting: &Meeting, required: bool) -> ApiResult<Option<SignOffFacts>> {
    if !required {
        return Ok(None);
    }
    let signatures = sign_offs::list_for_meeting(conn, meeting.id)?;
    let approvers: Vec<(String, Option<i64>)> = participants::list_for_meeting(conn, meeting.id)?
        .into_iter()
        .filter(|p| p.approver)
        .map(|p| {
            let signed = signatures.iter().find(|s| s.participant_id == p.id).map(|s| s.meeting_version);
            (p.name, signed)
        })
        .collect();
    Ok(Some(SignOffFacts { approvers: approvers.len(), unsigned: unsigned_approvers(&approvers, meeting.version) }))
}
