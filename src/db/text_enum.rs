//! Storing the domain's enumerations as TEXT on both backends, by their snake_case names.

use diesel::backend::Backend;
use diesel::deserialize::{self, FromSql};
use diesel::pg::Pg;
use diesel::serialize::{self, IsNull, Output, ToSql};
use diesel::sql_types::Text;
use diesel::sqlite::Sqlite;

use super::MultiBackend;
use crate::domain::agenda::{AgendaSection, Numbering};
use crate::domain::allocation::{AllocationStatus, AmountKind, Currency, Method, Recurrence};
use crate::domain::closing::LegalBasis;
use crate::domain::protocol::{RaisedBy, VoteMethod, VoteResult, VoteSubject};
use crate::domain::{
    Attendance, CaseType, CommitteeKind, CommitteeRole, DecisionOutcome, DocumentKind, ItemAttendanceKind,
    MeetingStatus, ParticipantRole, Publication, ServiceRole, Tier,
};

fn parse<T: std::str::FromStr>(text: String) -> deserialize::Result<T> {
    text.parse().map_err(|_| format!("unexpected stored value {text:?} for {}", std::any::type_name::<T>()).into())
}

macro_rules! text_enum {
    ($($ty:ty),* $(,)?) => {$(
        impl FromSql<Text, Pg> for $ty {
            fn from_sql(bytes: <Pg as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(<String as FromSql<Text, Pg>>::from_sql(bytes)?)
            }
        }
        impl FromSql<Text, Sqlite> for $ty {
            fn from_sql(bytes: <Sqlite as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                parse(<String as FromSql<Text, Sqlite>>::from_sql(bytes)?)
            }
        }
        impl FromSql<Text, MultiBackend> for $ty {
            fn from_sql(bytes: <MultiBackend as Backend>::RawValue<'_>) -> deserialize::Result<Self> {
                bytes.from_sql::<$ty, Text>()
            }
        }
        impl ToSql<Text, Pg> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Pg>) -> serialize::Result {
                <str as ToSql<Text, Pg>>::to_sql(self.as_ref(), out)
            }
        }
        impl ToSql<Text, Sqlite> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, Sqlite>) -> serialize::Result {
                <str as ToSql<Text, Sqlite>>::to_sql(self.as_ref(), out)
            }
        }
        impl ToSql<Text, MultiBackend> for $ty {
            fn to_sql<'b>(&'b self, out: &mut Output<'b, '_, MultiBackend>) -> serialize::Result {
                out.set_value((Text, self));
                Ok(IsNull::No)
            }
        }
    )*};
}

text_enum!(
    AgendaSection,
    AllocationStatus,
    AmountKind,
    Attendance,
    CaseType,
    CommitteeKind,
    CommitteeRole,
    DecisionOutcome,
    DocumentKind,
    Currency,
    LegalBasis,
    ItemAttendanceKind,
    MeetingStatus,
    Method,
    ParticipantRole,
    Publication,
    Recurrence,
    ServiceRole,
    Tier,
    VoteMethod,
    Numbering,
    RaisedBy,
    VoteResult,
    VoteSubject,
);
