//! What the API shows of each resource: the response shapes, made from what persistence returns and
//! what the domain rules decide the caller may see. Handlers, the services below them and the webhook
//! worker all send these, so they live apart from any one of them (as crates.io keeps its `views`).

pub mod access_group;
pub mod allocation;
pub mod attachment;
pub mod audit_event;
pub mod calendar_feed;
pub mod case;
pub mod change;
pub mod client;
pub mod committee;
pub mod exclusion;
pub mod grant;
pub mod item;
pub mod item_amount;
pub mod item_attendance;
pub mod me;
pub mod meeting;
pub mod participant;
pub mod public;
pub mod publication;
pub mod referral;
pub mod roster;
pub mod search;
pub mod sign_off;
pub mod standing_item;
pub mod user;
pub mod vote;
pub mod webhook;

/// A resource kept in versions: what the API sends of it, and the version its ETag names.
pub trait Versioned: serde::Serialize {
    fn version(&self) -> i64;
}

macro_rules! versioned {
    ($($view:ty),* $(,)?) => {
        $(impl Versioned for $view {
            fn version(&self) -> i64 {
                self.version
            }
        })*
    };
}

versioned!(
    access_group::AccessGroupView,
    access_group::MemberView,
    allocation::AllocationView,
    attachment::AttachmentView,
    calendar_feed::CalendarFeedView,
    client::ClientView,
    committee::CommitteeView,
    exclusion::ExclusionView,
    grant::GrantView,
    grant::KindGrantView,
    item_amount::ItemAmountView,
    item::AgendaItemView,
    item_attendance::ItemAttendanceView,
    participant::ParticipantView,
    case::RouteView,
    referral::ReferralView,
    roster::RosterMemberView,
    sign_off::SignOffView,
    standing_item::StandingItemView,
    vote::DissentView,
    vote::VoteView,
    webhook::WebhookView,
);

/// The cursor of a list ordered by id, as lists and the change feed give it (`id.4711`).
pub fn id_cursor(id: i64) -> String {
    format!("id.{id}")
}
