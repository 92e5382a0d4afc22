//! A published agenda or minutes: the meeting as it stood when it was published, kept unchanged.
//!
//! A [`Document`] is stored whole (closed items included) and shown through [`Document::as_seen_by`],
//! which turns closed items into number and title for anyone below member, the same allowlist as the
//! live agenda. Differences between two versions are computed on the stored documents and shown
//! through the same filter (see [`diff`]), so a difference never says more than either version would.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::access::{ItemView, item_role, item_view};
use super::agenda::AgendaSection;
use super::allocation::{AmountKind, Recurrence};
use super::closing::{LegalBasis, public_title, released};
use super::protocol::{Quorum, RaisedBy, Stance, VoteMethod, VoteResult, VoteSubject};
use super::{
    Attendance, CaseType, CommitteeKind, CommitteeRole, DecisionOutcome, DocumentKind, MeetingStatus, ParticipantRole,
};

/// A published version of a meeting's agenda or minutes.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[schema(examples(json!({"kind": "minutes", "number": 1, "published_at": "2022-04-27T09:00:00+02:00", "reason": null, "meeting": {"id": 1, "committee": {"id": 1, "name": "Direktionen", "kind": "executive_board"}, "title": "Direktionsmøde", "status": "minutes_published", "starts_at": "2022-04-25T12:30:00+02:00", "ends_at": "2022-04-25T15:00:00+02:00", "location": "Ung - Sprog Kalundborg", "online_link": null}, "participants": [{"id": 1, "name": "Søren Ole Sørensen", "role": "member", "attendance": "absent"}, {"id": 2, "name": "Michel van der Linden", "role": "member", "attendance": "present"}], "items": [{"id": 2, "number": 2, "title": "Implementering af FirstAgenda", "closed": false, "case_number": "22-003462", "journal_number": null, "document_number": null, "case_type": "decision", "summary": "Med denne sag skal Direktionen tage stilling til en strategi for implementering af FirstAgenda.", "recommendation": "Sekretariatschefen indstiller, at strategien for implementering af FirstAgenda godkendes.", "handled_by": "Direktionen.", "presentation": "Eftersom FirstAgenda kan implementeres bredt blandt Kalundborg Kommunes enheder og samarbejdspartnere, etableres der såkaldte AD-grupper.", "financial_consequences": "Meromkostningen for ubegrænsede licenser i størrelsesordenen 50.000 kr. bliver fordelt på de enheder, der anvender FirstAgenda.", "decision": {"outcome": "approved_with_conditions", "text": "Godkendt inden for de rammer og målgrupper, som blev drøftet på mødet."}, "guests": [{"name": "Malene Goth", "note": null}], "absent": [], "attachments": [{"id": 1, "title": "Opgaveinitieringsdokument FirstAgenda implementering", "filename": "Opgaveinitieringsdokument.pdf", "content_type": "application/pdf", "size": 184320, "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"}], "amounts": []}, {"number": 4, "title": "Status, Økonomiudvalget", "closed": true}], "signed_by": [{"name": "Michel van der Linden", "signed_at": "2022-04-26T16:20:00+02:00"}]})))]
pub struct Document {
    pub kind: DocumentKind,
    /// 1 for the first publication, n+1 for each correction.
    pub number: i32,
    /// Why this version corrects the one before it.
    pub reason: Option<String>,
    pub published_at: DateTime<FixedOffset>,
    pub meeting: DocumentMeeting,
    pub participants: Vec<DocumentParticipant>,
    pub items: Vec<DocumentEntry>,
    /// Minutes: the approvers who signed off this version, and when.
    pub signed_by: Vec<DocumentSignature>,
    /// As shown to a reader: the next day a public decision text held back from them is released,
    /// after which they see more of this version.
    #[serde(skip)]
    pub next_release: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentSignature {
    pub name: String,
    pub signed_at: DateTime<FixedOffset>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentCommittee {
    pub id: i64,
    pub name: String,
    pub kind: CommitteeKind,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentMeeting {
    pub id: i64,
    pub committee: DocumentCommittee,
    pub title: String,
    /// The meeting's state when this version was published.
    pub status: MeetingStatus,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: Option<DateTime<FixedOffset>>,
    pub location: Option<String>,
    pub online_link: Option<String>,
    /// An extraordinary meeting (absent from versions published before it was recorded).
    #[serde(default)]
    pub extraordinary: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentParticipant {
    pub id: i64,
    pub name: String,
    pub role: ParticipantRole,
    pub attendance: Attendance,
    /// The party's list letter (absent from versions published before parties were recorded).
    #[serde(default)]
    pub party: Option<String>,
    /// For a substitute: the participant they stood in for.
    #[serde(default)]
    pub substitute_for: Option<i64>,
    /// The number of the item they arrived at, when they came late.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arrived_at_item: Option<i32>,
    /// The number of the last item they took part in before leaving.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_after_item: Option<i32>,
}

/// An item as the reader may see it: in full, or a closed item's number and title.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum DocumentEntry {
    Full(Box<DocumentItem>),
    TitleOnly(TitleOnlyItem),
}

/// A closed item as someone below member sees it: these keys and nothing else.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleOnlyItem {
    pub number: i32,
    /// Its title, or "Lukket punkt" where the title itself is withheld.
    pub title: String,
    /// Always `true`.
    pub closed: bool,
    /// Why it is closed (absent from versions published before bases were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasis>,
    /// Minutes: the decision as far as it may be published, once its day has come.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_decision: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentItem {
    pub id: i64,
    pub number: i32,
    pub title: String,
    pub closed: bool,
    pub case_number: Option<String>,
    pub journal_number: Option<String>,
    pub document_number: Option<String>,
    pub case_type: Option<CaseType>,
    pub summary: Option<String>,
    pub recommendation: Option<String>,
    pub handled_by: Option<String>,
    pub presentation: Option<String>,
    pub financial_consequences: Option<String>,
    /// Only in minutes.
    pub decision: Option<DocumentDecision>,
    /// People who joined for this item.
    pub guests: Vec<DocumentGuest>,
    /// Participants who did not take part in this item.
    pub absent: Vec<DocumentAbsence>,
    pub attachments: Vec<DocumentAttachment>,
    /// The financial consequences as amounts (absent from versions published before there were any).
    #[serde(default)]
    pub amounts: Vec<DocumentAmount>,
    /// Minutes: the votes taken on the item, in order.
    #[serde(default)]
    pub votes: Vec<DocumentVote>,
    /// Minutes: the dissents entered against them (§ 13, stk. 2).
    #[serde(default)]
    pub dissents: Vec<DocumentDissent>,
    /// Minutes: how many of the committee's members took part (§ 11); absent when the committee
    /// keeps no roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum: Option<Quorum>,
    /// Minutes: members found or declared disqualified (§ 14).
    #[serde(default)]
    pub exclusions: Vec<DocumentExclusion>,
    /// Minutes: members' demands that the item go before the council (§ 23).
    #[serde(default)]
    pub referrals: Vec<DocumentReferral>,
    /// The decisions earlier bodies made on the same case, oldest first, as their published minutes
    /// hold them (only those of open items, published at least as widely as this document).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_decisions: Vec<EarlierDecision>,
    /// Added after the agenda was first published: on the supplementary agenda (tillægsdagsorden).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub supplementary: bool,
    /// The part of the agenda it stood in (absent from versions published before sections).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<AgendaSection>,
    /// The case's route (sagens gang) as it stood when the version was published.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub route: Vec<DocumentRouteStep>,
    /// A closed item's legal basis.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_basis: Option<LegalBasis>,
    /// The grounds written out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_grounds: Option<String>,
    /// The title is withheld from those who do not read the item in full.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub title_withheld: bool,
}

/// A disqualification (inhabilitet, § 14) as the minutes record it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentExclusion {
    pub name: String,
    pub party: Option<String>,
    pub raised_by: Option<RaisedBy>,
    /// The committee's ruling.
    pub ruling: Option<String>,
    /// Whether the member left the room (`false`: refused to leave).
    pub left_room: Option<bool>,
    /// The substitute called in, by name and party.
    pub substitute: Option<String>,
}

/// An earlier body's decision on the same case: "Beslutning i Økonomiudvalget den 08-08-2022:
/// Godkendt."
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EarlierDecision {
    /// The body that decided.
    pub committee: String,
    pub meeting_id: i64,
    /// When its meeting began.
    pub date: DateTime<FixedOffset>,
    pub outcome: Option<DecisionOutcome>,
    pub text: Option<String>,
}

/// A step of the case's route: "Byrådet (2. behandling)".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentRouteStep {
    /// The body; `null` for one whose own documents do not reach this version's readers.
    pub committee: Option<String>,
    pub reading: Option<i32>,
    /// The body that decides the case ("Sagen afgøres i").
    pub decides: bool,
}

/// A demand under § 23 as the minutes record it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentReferral {
    pub name: String,
    pub party: Option<String>,
    pub note: Option<String>,
}

/// A vote as the minutes record it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentVote {
    /// Its place among the item's votes.
    pub number: i32,
    pub subject: VoteSubject,
    pub motion: String,
    pub method: VoteMethod,
    pub result: VoteResult,
    pub positions: Vec<DocumentPosition>,
}

/// A position in a vote: a participant's by name (roll call), or a party group's with its count.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentPosition {
    pub stance: Stance,
    /// Roll call: the participant's name.
    pub name: Option<String>,
    /// The party's list letter: the group's (by group), or the participant's (roll call).
    pub party: Option<String>,
    /// How many voted so: 1 for a participant.
    pub count: i32,
}

/// A member's dissent as the minutes record it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentDissent {
    /// The vote it is against.
    pub vote_number: i32,
    pub name: String,
    pub party: Option<String>,
    pub text: String,
}

/// A financial consequence of the item, as it stood when the version was published.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentAmount {
    pub label: String,
    pub kind: AmountKind,
    pub recurrence: Recurrence,
    pub amount_ore: i64,
    pub price_year: Option<i32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentDecision {
    pub outcome: Option<DecisionOutcome>,
    pub text: Option<String>,
    /// The secretary's reason for recording it without a quorum (§ 11).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quorum_override: Option<String>,
    /// A closed item's decision as the public reads it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_text: Option<String>,
    /// The day the public text is published from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_from: Option<NaiveDate>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentGuest {
    pub name: String,
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentAbsence {
    pub participant_id: i64,
    pub name: String,
    pub note: Option<String>,
}

/// An attachment as it was when the version was published; its content stays downloadable.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DocumentAttachment {
    pub id: i64,
    pub title: String,
    pub filename: String,
    pub content_type: String,
    pub size: i64,
    /// Hex SHA-256 of the content.
    pub sha256: String,
}

impl DocumentEntry {
    pub fn number(&self) -> i32 {
        match self {
            DocumentEntry::Full(item) => item.number,
            DocumentEntry::TitleOnly(item) => item.number,
        }
    }

    pub fn title(&self) -> &str {
        match self {
            DocumentEntry::Full(item) => &item.title,
            DocumentEntry::TitleOnly(item) => &item.title,
        }
    }

    pub fn full(&self) -> Option<&DocumentItem> {
        match self {
            DocumentEntry::Full(item) => Some(item),
            DocumentEntry::TitleOnly(_) => None,
        }
    }
}

impl DocumentItem {
    /// The item as those who do not read it in full see it on `today`.
    fn title_only(&self, today: NaiveDate) -> TitleOnlyItem {
        let public_decision =
            self.decision.as_ref().filter(|d| released(d.public_from, today)).and_then(|d| d.public_text.clone());
        TitleOnlyItem {
            number: self.number,
            title: public_title(&self.title, self.title_withheld).to_owned(),
            closed: true,
            legal_basis: self.legal_basis,
            public_decision,
        }
    }

    /// The day its public decision text is released, when that is still to come on `today`.
    fn release_after(&self, today: NaiveDate) -> Option<NaiveDate> {
        let decision = self.decision.as_ref()?;
        decision.public_text.as_ref()?;
        decision.public_from.filter(|from| !released(Some(*from), today))
    }
}

/// How a reader sees one stored item: `role` is the reader's role on the committee, `excluded` the
/// items they are excluded from.
fn view_of(item: &DocumentItem, role: Option<CommitteeRole>, excluded: &[i64]) -> ItemView {
    item_view(item.closed, item_role(role, excluded.contains(&item.id)))
}

impl Document {
    /// The document as a reader holding `role` on the committee sees it on `today` (`None`: the
    /// public, or a signed-in employee reading an internal committee's documents).
    pub fn as_seen_by(mut self, role: Option<CommitteeRole>, excluded: &[i64], today: NaiveDate) -> Document {
        let mut next_release: Option<NaiveDate> = None;
        self.items = self
            .items
            .into_iter()
            .map(|entry| match entry {
                DocumentEntry::Full(item) if view_of(&item, role, excluded) == ItemView::TitleOnly => {
                    if let Some(day) = item.release_after(today) {
                        next_release = Some(next_release.map_or(day, |next| next.min(day)));
                    }
                    DocumentEntry::TitleOnly(item.title_only(today))
                }
                other => other,
            })
            .collect();
        self.next_release = next_release;
        self
    }

    /// The entity tag of the document as shown: its number, and how many public decision texts
    /// it shows where the content is closed, the only thing that changes in a version once
    /// published (when a held-back text is released).
    pub fn entity_tag(&self) -> String {
        let released = self
            .items
            .iter()
            .filter(|entry| matches!(entry, DocumentEntry::TitleOnly(item) if item.public_decision.is_some()))
            .count();
        if released == 0 { format!("\"{}\"", self.number) } else { format!("\"{}.{released}\"", self.number) }
    }

    /// Ids of the closed items shown in full: reads of closed content, for the audit trail.
    pub fn closed_items_shown(&self) -> Vec<i64> {
        self.items.iter().filter_map(DocumentEntry::full).filter(|item| item.closed).map(|item| item.id).collect()
    }

    /// Whether an attachment of a full item of this (already filtered) document has this id.
    pub fn attachment(&self, id: i64) -> Option<&DocumentAttachment> {
        self.items.iter().filter_map(DocumentEntry::full).flat_map(|item| &item.attachments).find(|a| a.id == id)
    }

    /// For each participant, the numbers of the visible items they did not take part in.
    pub fn absences_by_participant(&self) -> BTreeMap<i64, Vec<i32>> {
        let mut absences: BTreeMap<i64, Vec<i32>> = BTreeMap::new();
        for item in self.items.iter().filter_map(DocumentEntry::full) {
            for absence in &item.absent {
                absences.entry(absence.participant_id).or_default().push(item.number);
            }
        }
        for numbers in absences.values_mut() {
            numbers.sort_unstable();
        }
        absences
    }
}

/// One field that differs between two versions.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct FieldChange {
    pub field: String,
    /// The value before: any JSON value (text, number, list …), `null` when there was none.
    pub from: Value,
    /// The value after.
    pub to: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EntryChangeKind {
    Added,
    Removed,
    Changed,
}

/// An item or a participant that was added, removed or changed.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
pub struct EntryChange {
    pub change: EntryChangeKind,
    /// The item's number, or the participant's name, in the later version (the earlier one for a
    /// removal).
    pub label: String,
    pub title: Option<String>,
    /// For `changed`: the fields that differ.
    pub fields: Vec<FieldChange>,
}

/// What changed from one version to another.
#[derive(Clone, Debug, PartialEq, Serialize, ToSchema)]
#[schema(examples(json!({"kind": "agenda", "from": 1, "to": 2, "reason": "Rettelse: punkt 3 manglede bilaget Årsskriv 2021.", "meeting": [], "participants": [], "items": [{"change": "changed", "label": "Punkt 3", "title": "Afrapportering fra Kontrolgruppen 2021", "fields": [{"field": "attachments", "from": [], "to": ["Årsskriv 2021 Kontrolgruppen (002)"]}]}]})))]
pub struct DocumentDiff {
    pub kind: DocumentKind,
    pub from: i32,
    pub to: i32,
    /// The reason given for the later version.
    pub reason: Option<String>,
    pub meeting: Vec<FieldChange>,
    pub participants: Vec<EntryChange>,
    pub items: Vec<EntryChange>,
}

fn fields_of(value: &impl Serialize) -> BTreeMap<String, Value> {
    match serde_json::to_value(value) {
        Ok(Value::Object(map)) => map.into_iter().collect(),
        _ => BTreeMap::new(),
    }
}

fn field_changes(old: &impl Serialize, new: &impl Serialize, skip: &[&str]) -> Vec<FieldChange> {
    let (old, new) = (fields_of(old), fields_of(new));
    let mut keys: Vec<&String> = old.keys().chain(new.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|key| !skip.contains(&key.as_str()))
        .filter_map(|key| {
            let (from, to) =
                (old.get(key).cloned().unwrap_or(Value::Null), new.get(key).cloned().unwrap_or(Value::Null));
            (from != to).then(|| FieldChange { field: key.clone(), from, to })
        })
        .collect()
}

/// The differences from `old` to `new` (two stored versions of one meeting's document), as a reader
/// holding `role` may see them: for an item shown to them as number and title in either version,
/// only its number, title and closed flag are compared.
pub fn diff(
    old: &Document,
    new: &Document,
    role: Option<CommitteeRole>,
    excluded: &[i64],
    today: NaiveDate,
) -> DocumentDiff {
    let participants = entry_changes(
        &old.participants,
        &new.participants,
        |p| p.id,
        |p| (p.name.clone(), None, serde_json::to_value(p).unwrap_or(Value::Null)),
    );
    let shown = |item: &DocumentItem| -> Value {
        if view_of(item, role, excluded) == ItemView::Full {
            serde_json::to_value(item).unwrap_or(Value::Null)
        } else {
            serde_json::to_value(item.title_only(today)).unwrap_or(Value::Null)
        }
    };
    let full =
        |doc: &Document| -> Vec<DocumentItem> { doc.items.iter().filter_map(DocumentEntry::full).cloned().collect() };
    let (old_items, new_items) = (full(old), full(new));
    let mut items =
        entry_changes(&old_items, &new_items, |i| i.id, |i| (i.number.to_string(), Some(i.title.clone()), shown(i)));
    // The id matches entries; it appears as a change only when a view without it meets one with it.
    for change in &mut items {
        change.fields.retain(|f| f.field != "id");
    }
    DocumentDiff {
        kind: new.kind,
        from: old.number,
        to: new.number,
        reason: new.reason.clone(),
        meeting: field_changes(&old.meeting, &new.meeting, &[]),
        participants,
        items,
    }
}

/// Matches entries by id and compares what `show` makes of them. Because `show` is applied to each
/// side separately, an item that is closed in one version and open in the other is compared as the
/// reader sees each side.
fn entry_changes<T>(
    old: &[T],
    new: &[T],
    id: impl Fn(&T) -> i64,
    show: impl Fn(&T) -> (String, Option<String>, Value),
) -> Vec<EntryChange> {
    let mut changes = Vec::new();
    for entry in new {
        let (label, title, shown) = show(entry);
        match old.iter().find(|o| id(o) == id(entry)) {
            None => changes.push(EntryChange { change: EntryChangeKind::Added, label, title, fields: Vec::new() }),
            Some(before) => {
                let (_, _, was) = show(before);
                let fields = field_changes(&was, &shown, &[]);
                if !fields.is_empty() {
                    changes.push(EntryChange { change: EntryChangeKind::Changed, label, title, fields });
                }
            }
        }
    }
    for entry in old.iter().filter(|o| !new.iter().any(|n| id(n) == id(o))) {
        let (label, title, _) = show(entry);
        changes.push(EntryChange { change: EntryChangeKind::Removed, label, title, fields: Vec::new() });
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::closing::WITHHELD_TITLE;

    fn item(id: i64, number: i32, title: &str, closed: bool, summary: &str) -> DocumentItem {
        DocumentItem {
            id,
            number,
            title: title.into(),
            closed,
            case_number: Some(format!("22-{id}")),
            journal_number: None,
            document_number: None,
            case_type: None,
            summary: Some(summary.into()),
            recommendation: None,
            handled_by: None,
            presentation: None,
            financial_consequences: None,
            decision: None,
            guests: Vec::new(),
            absent: vec![DocumentAbsence { participant_id: 7, name: "Jan".into(), note: None }],
            attachments: Vec::new(),
            amounts: Vec::new(),
            votes: Vec::new(),
            dissents: Vec::new(),
            quorum: None,
            exclusions: Vec::new(),
            referrals: Vec::new(),
            earlier_decisions: Vec::new(),
            supplementary: false,
            route: Vec::new(),
            section: None,
            legal_basis: closed.then_some(LegalBasis::PrivateMatters),
            closed_grounds: None,
            title_withheld: false,
        }
    }

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2022, 4, 27).unwrap()
    }

    fn document(number: i32, items: Vec<DocumentItem>) -> Document {
        Document {
            kind: DocumentKind::Agenda,
            number,
            reason: (number > 1).then(|| "Rettelse".into()),
            published_at: DateTime::parse_from_rfc3339("2022-04-20T09:00:00+02:00").unwrap(),
            meeting: DocumentMeeting {
                id: 1,
                committee: DocumentCommittee { id: 1, name: "Direktionen".into(), kind: CommitteeKind::ExecutiveBoard },
                title: "Direktionsmøde".into(),
                status: MeetingStatus::AgendaPublished,
                starts_at: DateTime::parse_from_rfc3339("2022-04-25T12:30:00+02:00").unwrap(),
                ends_at: None,
                location: Some("Ung - Sprog Kalundborg".into()),
                online_link: None,
                extraordinary: false,
            },
            participants: vec![DocumentParticipant {
                id: 7,
                name: "Jan".into(),
                role: ParticipantRole::Member,
                attendance: Attendance::Present,
                party: None,
                substitute_for: None,
                arrived_at_item: None,
                left_after_item: None,
            }],
            items: items.into_iter().map(|i| DocumentEntry::Full(Box::new(i))).collect(),
            signed_by: Vec::new(),
            next_release: None,
        }
    }

    #[test]
    fn closed_items_are_number_and_title_below_member() {
        let doc = document(1, vec![item(1, 1, "Åbent", false, "tekst"), item(2, 2, "Lukket", true, "HEMMELIGT")]);
        for role in [None, Some(CommitteeRole::Reader)] {
            let seen = doc.clone().as_seen_by(role, &[], day());
            let json = serde_json::to_string(&seen).unwrap();
            assert!(!json.contains("HEMMELIGT") && !json.contains("22-2"), "{json}");
            assert!(json.contains("\"title\":\"Lukket\""));
            assert!(seen.closed_items_shown().is_empty());
        }
        let member = doc.clone().as_seen_by(Some(CommitteeRole::Member), &[], day());
        assert_eq!(member.closed_items_shown(), vec![2]);
        let excluded = doc.as_seen_by(Some(CommitteeRole::Member), &[2], day());
        assert!(!serde_json::to_string(&excluded).unwrap().contains("HEMMELIGT"));
    }

    #[test]
    fn absences_on_closed_items_are_not_shown_below_member() {
        let doc = document(1, vec![item(1, 1, "Åbent", false, ""), item(2, 2, "Lukket", true, "")]);
        assert_eq!(doc.clone().as_seen_by(None, &[], day()).absences_by_participant()[&7], vec![1]);
        assert_eq!(doc.as_seen_by(Some(CommitteeRole::Member), &[], day()).absences_by_participant()[&7], vec![1, 2]);
    }

    #[test]
    fn a_diff_lists_added_removed_and_changed_fields() {
        let v1 = document(1, vec![item(1, 1, "A", false, "før"), item(2, 2, "B", false, "")]);
        let mut v2 = document(2, vec![item(1, 1, "A", false, "efter"), item(3, 2, "C", false, "")]);
        v2.meeting.location = Some("Virtuelt via Teams".into());
        let d = diff(&v1, &v2, None, &[], day());
        assert_eq!((d.from, d.to, d.reason.as_deref()), (1, 2, Some("Rettelse")));
        assert_eq!(d.meeting.len(), 1);
        assert_eq!(d.meeting[0].field, "location");
        let kinds: Vec<(EntryChangeKind, &str)> = d.items.iter().map(|c| (c.change, c.label.as_str())).collect();
        assert_eq!(
            kinds,
            vec![(EntryChangeKind::Changed, "1"), (EntryChangeKind::Added, "2"), (EntryChangeKind::Removed, "2")]
        );
        assert_eq!(
            d.items[0].fields,
            vec![FieldChange { field: "summary".into(), from: "før".into(), to: "efter".into() }]
        );
    }

    #[test]
    fn a_diff_of_closed_items_says_no_more_than_their_titles_below_member() {
        let v1 = document(1, vec![item(1, 1, "Lukket", true, "HEMMELIGT før")]);
        let v2 = document(2, vec![item(1, 1, "Lukket", true, "HEMMELIGT efter")]);
        assert!(diff(&v1, &v2, None, &[], day()).items.is_empty());
        let member = diff(&v1, &v2, Some(CommitteeRole::Member), &[], day());
        assert_eq!(member.items[0].fields[0].field, "summary");
        // Closing an item between versions: the reader is told it became closed, not what it says.
        let v3 = document(3, vec![item(1, 1, "Lukket", false, "HEMMELIGT åbent")]);
        let opened = serde_json::to_string(&diff(&v2, &v3, None, &[], day())).unwrap();
        assert!(opened.contains("HEMMELIGT åbent") && !opened.contains("HEMMELIGT efter"), "{opened}");
    }

    fn decided_in_closed(public_from: Option<NaiveDate>) -> Document {
        let mut closed = item(2, 2, "Salg af Skolevej 3", true, "HEMMELIGT");
        closed.title_withheld = true;
        closed.decision = Some(DocumentDecision {
            outcome: None,
            text: Some("HEMMELIGT: solgt for 4 mio. kr.".into()),
            quorum_override: None,
            public_text: Some("Ejendommen sælges.".into()),
            public_from,
        });
        document(1, vec![item(1, 1, "Åbent", false, "tekst"), closed])
    }

    #[test]
    fn a_withheld_title_is_lukket_punkt_below_member() {
        let seen = decided_in_closed(None).as_seen_by(Some(CommitteeRole::Reader), &[], day());
        let json = serde_json::to_string(&seen).unwrap();
        assert!(!json.contains("Skolevej") && !json.contains("HEMMELIGT"), "{json}");
        assert_eq!(seen.items[1].title(), WITHHELD_TITLE);
        let member = decided_in_closed(None).as_seen_by(Some(CommitteeRole::Member), &[], day());
        assert_eq!(member.items[1].title(), "Salg af Skolevej 3");
    }

    #[test]
    fn a_public_decision_text_is_held_back_until_its_day() {
        let tomorrow = day().succ_opt();
        let before = decided_in_closed(tomorrow).as_seen_by(None, &[], day());
        let json = serde_json::to_string(&before).unwrap();
        assert!(!json.contains("Ejendommen sælges"), "{json}");
        assert_eq!(before.next_release, tomorrow);
        let after = decided_in_closed(tomorrow).as_seen_by(None, &[], tomorrow.unwrap());
        assert!(serde_json::to_string(&after).unwrap().contains("\"public_decision\":\"Ejendommen sælges.\""));
        assert_eq!(after.next_release, None);
        // The version's entity tag moves when the text is released.
        assert_ne!(before.entity_tag(), after.entity_tag());
        assert_eq!(
            before.entity_tag(),
            decided_in_closed(None).as_seen_by(Some(CommitteeRole::Member), &[], day()).entity_tag()
        );
    }
}
