//! The domain: the vocabulary of municipal meetings (see `docs/DOMAIN.md`) and the
//! rules that do not depend on HTTP or on a database. Everything here is plain data and functions;
//! the enumerations only declare that they are stored as text (the conversions live in `db`).

/// Declares an enumeration stored as text and named in snake_case everywhere: in the API, in the
/// database and in strum's conversions (the text conversions themselves live in `db::text_enum`).
/// Derives beyond the common ones follow the name in brackets: `pub enum Tier [Hash, EnumIter] { … }`.
macro_rules! stored_enum {
    ($(#[$attr:meta])* pub enum $name:ident $([$($extra:ident),* $(,)?])? { $($body:tt)* }) => {
        #[derive(
            Clone,
            Copy,
            Debug,
            PartialEq,
            Eq,
            serde::Serialize,
            serde::Deserialize,
            utoipa::ToSchema,
            strum::AsRefStr,
            strum::EnumString,
            diesel::AsExpression,
            diesel::FromSqlRow
            $($(, $extra)*)?
        )]
        #[diesel(sql_type = diesel::sql_types::Text)]
        #[serde(rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        $(#[$attr])*
        pub enum $name { $($body)* }
    };
}

pub mod access;
pub mod agenda;
pub mod allocation;
pub mod audit;
pub mod closing;
pub mod document;
pub mod events;
pub mod files;
pub mod identity;
pub mod lifecycle;
pub mod limits;
pub mod protocol;
pub mod route;
pub mod search;
pub mod text;
pub mod webhooks;

use strum::EnumIter;

stored_enum! {
    /// The four tiers of access groups in the FirstAgenda roll-out: who the members of a group are.
    pub enum Tier [Hash, EnumIter] {
        /// Political committees and the executive board (Direktionen).
        Political,
        /// Staff functions (stabsfunktioner), e.g. Økonomistaben, HR.
        Staff,
        /// Professional units (faglige enheder), e.g. Jobcentret, Borgerservice.
        Unit,
        /// Institutions, e.g. schools and day-care institutions.
        Institution,
    }
}

stored_enum! {
    /// What kind of body a committee (udvalg) is.
    pub enum CommitteeKind [Hash, EnumIter] {
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
}

stored_enum! {
    /// Who may read a committee's published agendas and minutes without a grant.
    pub enum Publication [Hash, EnumIter] {
        /// Anyone, without a token.
        Public,
        /// Any signed-in employee.
        Internal,
        /// Only the groups granted a role on the committee.
        None,
    }
}

stored_enum! {
    /// A role a group holds on a committee. Ordered: each role may do everything the lower ones may.
    pub enum CommitteeRole [Hash, PartialOrd, Ord, EnumIter] {
        /// Sees the committee's meetings and the content of open items.
        Reader,
        /// Also sees closed items' content.
        Member,
        /// Also creates and edits meetings, items, participants and decisions.
        Secretary,
    }
}

stored_enum! {
    /// Where a meeting is in its life.
    pub enum MeetingStatus [Hash, EnumIter] {
        Draft,
        AgendaPublished,
        Held,
        MinutesPublished,
        Cancelled,
    }
}

stored_enum! {
    /// Sagstype: what the committee is asked to do with an item.
    pub enum CaseType [Hash, EnumIter] {
        /// Beslutning.
        Decision,
        /// Drøftelse.
        Discussion,
        /// Orientering.
        Information,
    }
}

stored_enum! {
    /// The outcome of a decision (beslutning).
    pub enum DecisionOutcome [Hash, EnumIter] {
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
}

stored_enum! {
    /// Whether a participant attends: present, absent (fravær) or sent apologies (afbud).
    pub enum Attendance [Hash, Default, EnumIter] {
        #[default]
        Present,
        Absent,
        Apologies,
    }
}

stored_enum! {
    /// The part a participant plays in a meeting.
    pub enum ParticipantRole [Hash, Default, EnumIter] {
        Chair,
        #[default]
        Member,
        Secretary,
        Guest,
        Observer,
    }
}

stored_enum! {
    /// Service-wide roles, carried in a token's `roles` claim.
    pub enum ServiceRole [Hash, EnumIter] {
        /// Manages structure: groups, committees, grants. Reads no content without a grant.
        Admin,
        /// Manages cost allocations.
        Finance,
        /// Reads the audit log.
        Auditor,
    }
}

stored_enum! {
    /// The documents a meeting publishes: its agenda (dagsorden) before it, its minutes (referat) after.
    pub enum DocumentKind [Hash, EnumIter] {
        Agenda,
        Minutes,
    }
}

stored_enum! {
    /// How someone other than the meeting's attendance takes part in one item: a guest who joins for the
    /// item ("deltager i behandlingen af punktet") or a participant who does not take part in it
    /// ("deltog ikke under punkt 12-15").
    pub enum ItemAttendanceKind [Hash, EnumIter] {
        Guest,
        Absent,
    }
}
