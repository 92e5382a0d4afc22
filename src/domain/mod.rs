//! The domain: the vocabulary of municipal meetings (see `docs/DOMAIN.md`) and the
//! rules that do not depend on HTTP or on a database. Everything here is plain data and functions;
//! the enumerations only declare that they are stored as text (the conversions live in `db`).

pub mod access;
pub mod agenda;
pub mod allocation;
pub mod audit;
pub mod document;
pub mod events;
pub mod files;
pub mod identity;
pub mod lifecycle;
pub mod limits;
pub mod protocol;
pub mod search;
pub mod text;
pub mod webhooks;

use diesel::sql_types::Text;
use diesel::{AsExpression, FromSqlRow};
use serde::{Deserialize, Serialize};
use strum::{AsRefStr, EnumIter, EnumString};
use utoipa::ToSchema;

/// The four tiers of access groups in the FirstAgenda roll-out: who the members of a group are.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Tier {
    /// Political committees and the executive board (Direktionen).
    Political,
    /// Staff functions (stabsfunktioner), e.g. Økonomistaben, HR.
    Staff,
    /// Professional units (faglige enheder), e.g. Jobcentret, Borgerservice.
    Unit,
    /// Institutions, e.g. schools and day-care institutions.
    Institution,
}

/// What kind of body a committee (udvalg) is.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CommitteeKind {
    ExecutiveBoard,
    PoliticalCommittee,
    CityCouncil,
    CrossOrganisational,
    SchoolBoard,
    DaycareBoard,
    /// MED-udvalg: works councils, including Hovedudvalget.
    Med,
    Network,
    ExternalCollaboration,
    Other,
}

/// Who may read a committee's published agendas and minutes without a grant.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Publication {
    /// Anyone, without a token.
    Public,
    /// Any signed-in employee.
    Internal,
    /// Only the groups granted a role on the committee.
    None,
}

/// A role a group holds on a committee. Ordered: each role may do everything the lower ones may.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CommitteeRole {
    /// Sees the committee's meetings and the content of open items.
    Reader,
    /// Also sees closed items' content.
    Member,
    /// Also creates and edits meetings, items, participants and decisions.
    Secretary,
}

/// Where a meeting is in its life.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum MeetingStatus {
    Draft,
    AgendaPublished,
    Held,
    MinutesPublished,
    Cancelled,
}

/// Sagstype: what the committee is asked to do with an item.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum CaseType {
    /// Beslutning.
    Decision,
    /// Drøftelse.
    Discussion,
    /// Orientering.
    Information,
}

/// The outcome of a decision (beslutning).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DecisionOutcome {
    /// Godkendt.
    Approved,
    /// Godkendt inden for de rammer …, godkendt idet det forudsættes …
    ApprovedWithConditions,
    /// Taget til efterretning.
    Noted,
    /// Drøftet.
    Discussed,
    /// Afvist.
    Rejected,
    /// Udsat.
    Postponed,
    /// Udgår.
    Withdrawn,
}

/// Whether a participant attends: present, absent (fravær) or sent apologies (afbud).
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    Default,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Attendance {
    #[default]
    Present,
    Absent,
    Apologies,
}

/// The part a participant plays in a meeting.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    Default,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ParticipantRole {
    Chair,
    #[default]
    Member,
    Secretary,
    Guest,
    Observer,
}

/// Service-wide roles, carried in a token's `roles` claim.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ServiceRole {
    /// Manages structure: groups, committees, grants. Reads no content without a grant.
    Admin,
    /// Manages cost allocations.
    Finance,
    /// Reads the audit log.
    Auditor,
}

/// The documents a meeting publishes: its agenda (dagsorden) before it, its minutes (referat) after.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum DocumentKind {
    Agenda,
    Minutes,
}

/// How someone other than the meeting's attendance takes part in one item: a guest who joins for the
/// item ("deltager i behandlingen af punktet") or a participant who does not take part in it
/// ("deltog ikke under punkt 12-15").
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    ToSchema,
    AsRefStr,
    EnumString,
    EnumIter,
    AsExpression,
    FromSqlRow,
)]
#[diesel(sql_type = Text)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ItemAttendanceKind {
    Guest,
    Absent,
}
